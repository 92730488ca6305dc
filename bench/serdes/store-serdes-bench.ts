/**
 * CPU per operation of the hot stores' value serdes: a serialize and a deserialize of one value (what a
 * metered store pays for a `put` and a `fetch`), JSON against a compact encoding, in nanoseconds, medians
 * of interleaved runs in one process after a warm-up.
 *
 * - `KpiTotals` (the KPI window stores): `Serdes.json` against `kpiTotalsSerde` (fixed binary layout).
 * - `ReservationState` (the `reservations` store): `Serdes.json` against `reservationStateSerde` (Avro
 *   binary from a maintained schema, no registry, a version byte).
 *
 * Micro numbers are relative: the candidates run interleaved (A, B, A, B, ...) in one process, so a busy
 * machine slows both alike; the ratio is what to read, not the nanoseconds.
 *
 * Run: `npm run bench:store-serdes` (options: `--ops 200000 --runs 5`).
 */
import { parseArgs } from 'node:util';
import type { KpiTotals } from '../../processors/domain/kpis.js';
import { kpiTotalsSerde } from '../../processors/topology/kpi-totals-serde.js';
import type { ReservationState } from '../../processors/topology/reservation-state.js';
import { reservationStateSerde } from '../../processors/topology/reservation-state-serde.js';
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { Serdes } from '../../topology/serdes/index.js';

const context: SerdeContext = { topic: 'app-store-changelog', isKey: false };

/** KPI totals of a busy 5-minute window. */
export function sampleKpiTotals(sequence = 1): KpiTotals {
  return {
    bookings: 12 + (sequence % 5),
    cancellations: 1,
    roomNightsBooked: 41,
    roomNightsCancelled: 3,
    revenueBooked: { currency: 'EUR', minor: 1_234_500 + sequence },
    revenueCancelled: { currency: 'EUR', minor: 45_000 },
  };
}

/** A confirmed three-night reservation as the status step keeps it. */
export function sampleReservationState(sequence = 1): ReservationState {
  const confirmationNumber = `RSV-2026-${String(sequence).padStart(6, '0')}`;
  return {
    confirmationNumber,
    propertyId: 'LIS-ALFAMA-01',
    guestId: `guest-${sequence}`,
    status: 'CONFIRMED',
    stay: {
      checkInDate: '2027-04-10',
      checkOutDate: '2027-04-13',
      nights: 3,
      roomType: 'DBL',
      rooms: 1,
      adults: 2,
      children: 0,
    },
    price: {
      currency: 'EUR',
      ratePlan: 'BAR',
      nightly: ['2027-04-10', '2027-04-11', '2027-04-12'].map((night) => ({
        night,
        multiplierBp: 11_000,
        rateMinor: 16_500,
      })),
      roomTotalMinor: 49_500,
      taxesMinor: 4_950,
      feesMinor: 0,
      totalMinor: 54_450,
    },
    paymentToken: 'tok_visa_4242',
    payment: {
      paymentId: `PAY-${confirmationNumber}`,
      authorizedMinor: 54_450,
      authorizationCode: 'AUTH-123456',
      gatewayReference: `sim-${sequence}`,
      capturedMinor: 0,
      refundedMinor: 0,
      balanceDueMinor: 0,
    },
    cancellation: null,
    rejection: null,
    createdAt: 1_796_000_000_000 + sequence,
    updatedAt: 1_796_000_000_050 + sequence,
    appliedEventIds: [`evt-created-${sequence}`, `evt-authorized-${sequence}`],
  };
}

interface Candidate {
  readonly name: string;
  readonly serde: Serde<unknown>;
  readonly sample: unknown;
}

/** Nanoseconds per serialize + deserialize of one value, over `ops` operations. */
function nsPerOp(candidate: Candidate, ops: number): number {
  const { serde, sample } = candidate;
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const bytes = serde.serialize(sample, context)!;
    const value = serde.deserialize(bytes, context) as object | null;
    sink += bytes.length + (value === null ? 0 : 1);
  }
  const ns = Number(process.hrtime.bigint() - start) / ops;
  if (sink < 0) console.log(sink); // keeps the loop's work observable
  return ns;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs every candidate `runs` times, interleaved, and returns each one's median ns per op and its bytes. */
export function measure(candidates: readonly Candidate[], ops: number, runs: number) {
  for (const c of candidates) nsPerOp(c, Math.min(ops, 20_000)); // warm-up
  const times = candidates.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) {
    candidates.forEach((c, i) => {
      times[i]!.push(nsPerOp(c, ops));
    });
  }
  return candidates.map((c, i) => ({
    name: c.name,
    medianNsPerOp: Math.round(median(times[i]!)),
    bytes: c.serde.serialize(c.sample, context)!.length,
  }));
}

export function storeSerdeCandidates(): Candidate[] {
  const totals = sampleKpiTotals();
  const state = sampleReservationState();
  return [
    { name: 'KpiTotals: JSON', serde: Serdes.json<unknown>(), sample: totals },
    { name: 'KpiTotals: binary layout', serde: kpiTotalsSerde() as Serde<unknown>, sample: totals },
    { name: 'ReservationState: JSON', serde: Serdes.json<unknown>(), sample: state },
    {
      name: 'ReservationState: Avro layout',
      serde: reservationStateSerde() as Serde<unknown>,
      sample: state,
    },
  ];
}

if (process.argv[1]?.endsWith('store-serdes-bench.ts') === true) {
  const { values } = parseArgs({
    options: { ops: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' } },
  });
  const rows = measure(storeSerdeCandidates(), Number(values.ops), Number(values.runs));
  console.log('| value serde | ns per serialize + deserialize (median) | bytes |');
  console.log('| --- | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.medianNsPerOp} | ${r.bytes} |`);
}
