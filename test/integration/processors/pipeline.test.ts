/**
 * Issue 9's integration test: a few thousand generated reservations (bookings on hot dates that sell
 * out, cards that are declined, cancellations, modifications) through the reservation pipeline RUNNING
 * on the real broker and schema registry, with the payment worker answering. The test then checks, from
 * the output topics and the queryable stores, against its own account of every reservation (built from
 * the commands it sent and the decisions announced, never from the stores):
 * - availability of every (property, room type, night) is capacity minus the rooms of active reservations;
 * - replaying `availability.updated` in order, no night was ever beyond capacity plus the allowance;
 * - every reservation reached exactly one final status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDateOf } from '../../../processors/domain/local-date.js';
import { type SoldPerDay, storedNights } from '../../../processors/topology/inventory-store.js';
import { queryAvailability } from '../../../processors/topology/queries.js';
import type { ReservationState } from '../../../processors/topology/reservation-state.js';
import type { ReadOnlyKeyValueStore } from '../../../state/store.js';
import { waitFor } from '../../support/index.js';
import {
  availabilityProblems,
  type CommandOutcomes,
  type ExpectedReservation,
  expectedReservations,
  expectedRoomsHeld,
  finalStatusProblems,
  paymentProblems,
  replayProblems,
} from './expected-outcomes.js';
import { type RunningPipeline, startReservationPipeline } from './running-pipeline.js';
import { TEST_PROPERTY_IDS, testCatalog } from './test-catalog.js';
import { ReservationWorkload } from './workload.js';

const PARTITIONS = 3;
/** 2,400 operations in rounds; a round's commands only name bookings handled in earlier rounds. */
const ROUNDS = 12;
const OPERATIONS_PER_ROUND = 200;

describe('the reservation pipeline running on the real stack', () => {
  let pipeline: RunningPipeline;
  let workload: ReservationWorkload;
  let reservations: Map<string, ExpectedReservation>;
  let outcomes: CommandOutcomes;
  let held: Map<string, number>;

  beforeAll(async () => {
    pipeline = await startReservationPipeline(testCatalog, PARTITIONS);
    const { collector } = pipeline;
    workload = new ReservationWorkload({
      seed: 9,
      catalog: testCatalog,
      propertyIds: TEST_PROPERTY_IDS,
      firstNight: utcDateOf(Date.now() + 30 * 86_400_000),
      spanNights: 30,
      hotNights: 3,
      hotShare: 0.3,
      declineRate: 0.12,
      bookingRate: 0.55,
    });
    const view = {
      handled: (n: string) => collector.handled.has(n),
      confirmed: (n: string) => collector.confirmedNumbers.has(n),
    };
    const rounds: string[][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const commands = workload.round(OPERATIONS_PER_ROUND, view);
      await pipeline.produce(commands);
      rounds.push(
        commands.flatMap((c) => (c.topic === 'reservation.created' ? [c.value.confirmationNumber] : [])),
      );
      // The next round's cancellations and modifications may name this round's bookings; they find the
      // previous round's decided (so that modifications meet confirmed bookings), this one's payments
      // possibly still in flight.
      await waitUntil(collector.handled, rounds.at(-1)!, `round ${round}'s bookings to be handled`);
      await waitUntil(collector.settled, rounds.at(-2) ?? [], `round ${round - 1}'s payments to be answered`);
    }
    await pipeline.waitUntilDrained(90_000);
    ({ reservations, outcomes } = expectedReservations(workload.commands, collector));
    held = expectedRoomsHeld(reservations.values());
  }, 280_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  /** Fails listing the first problems (key, expected vs actual) when there are any. */
  function expectNone(problems: readonly string[], what: string) {
    const shown = problems.slice(0, 20).join('\n  ');
    const more = problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : '';
    expect(problems.length, `${problems.length} ${what}:\n  ${shown}${more}`).toBe(0);
  }

  /** Waits until `seen` has every one of `numbers` (the error names some that are missing). */
  async function waitUntil(seen: ReadonlySet<string>, numbers: readonly string[], what: string) {
    await waitFor(
      () => {
        const missing = numbers.filter((n) => !seen.has(n));
        if (missing.length > 0) throw new Error(`${missing.length} missing, e.g. ${missing.slice(0, 5)}`);
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: what },
    );
  }

  /** The store of `name` that holds `propertyId`'s keys, found the way the API routes a query. */
  function storeOf<V>(name: string, propertyId: string): ReadOnlyKeyValueStore<string, V> {
    const where = pipeline.streams.metadataForKey(name, Buffer.from(propertyId, 'utf8'));
    const local = pipeline.streams.localStores<ReadOnlyKeyValueStore<string, V>>(name);
    const found = local.find((s) => s.partition === where?.partition);
    if (found === undefined) {
      throw new Error(
        `no local ${name} store for ${propertyId} (metadata ${JSON.stringify(where)}, local partitions ` +
          `${local.map((s) => s.partition)})`,
      );
    }
    return found.store;
  }

  it('ran without errors, dead letters, skipped or undecodable records, and is still running', () => {
    const { trouble, collector } = pipeline;
    expect(trouble.errors, 'errors reported by the streams runtime').toEqual([]);
    expect(trouble.deadLetters, 'records the runtime dead-lettered').toEqual([]);
    expect(trouble.skipped, 'records the runtime skipped').toEqual([]);
    expect(collector.deadLetters, 'records on dead-letter topics').toEqual([]);
    expect(collector.decodeErrors, 'output records that did not decode').toEqual([]);
    expect(pipeline.streams.state).toBe('RUNNING');
  });

  it('exercised sell-outs, overbooking, payment failures, cancellations and modifications', () => {
    const all = [...reservations.values()];
    const rejectedFor = (reason: string) =>
      all.filter((r) => r.decisions.includes(`REJECTED:${reason}`)).length;
    const summary = {
      bookings: all.length,
      operations: workload.commands.length,
      confirmed: all.filter((r) => r.status === 'CONFIRMED').length,
      soldOut: rejectedFor('SOLD_OUT'),
      paymentFailed: rejectedFor('PAYMENT_FAILED'),
      cancelled: all.filter((r) => r.status === 'CANCELLED').length,
      cancelledWhilePending: all.filter((r) => r.cancelled && r.decisions.length === 0).length,
      overbookedNights: pipeline.collector.overbooked.length,
      ...outcomes,
      modificationsRefused: Object.fromEntries(outcomes.modificationsRefused),
    };
    console.log(`[pipeline] ${JSON.stringify(summary)}`);
    expect(workload.commands.length).toBe(ROUNDS * OPERATIONS_PER_ROUND);
    expect(summary.bookings).toBeGreaterThan(1_000);
    expect(summary.confirmed).toBeGreaterThan(200);
    expect(summary.soldOut).toBeGreaterThan(50);
    expect(summary.paymentFailed).toBeGreaterThan(20);
    expect(summary.overbookedNights).toBeGreaterThan(0);
    expect(summary.cancelled).toBeGreaterThan(100);
    expect(outcomes.cancellationsRefused).toBeGreaterThan(0);
    expect(outcomes.modificationsAccepted).toBeGreaterThan(100);
    expect(outcomes.modificationsRefused.get('SOLD_OUT') ?? 0).toBeGreaterThan(0);
  });

  it('decided every payment by the card, as the simulated gateway rules', () => {
    const problems = paymentProblems(workload.creations, reservations, pipeline.collector.paymentFailures);
    expectNone(problems, "payment outcomes differ from the gateway's rules");
    expect(pipeline.collector.paymentFailures.length).toBeGreaterThanOrEqual(
      [...reservations.values()].filter((r) => r.decisions.includes('REJECTED:PAYMENT_FAILED')).length,
    );
  });

  it('brought every reservation to exactly one final status, as the reservations store also says', () => {
    const problems = finalStatusProblems(reservations.values(), (r) =>
      storeOf<ReservationState>('reservations', r.propertyId).get(r.confirmationNumber),
    );
    expectNone(problems, 'reservations did not end as expected');
    expect(
      [...reservations.values()].filter((r) => r.status === 'PENDING').map((r) => r.confirmationNumber),
    ).toEqual([]);
  });

  it('leaves availability per (property, room type, night) at capacity minus the active reservations', () => {
    const stays = [...reservations.values()].map((r) => r.stay);
    const commandStays = workload.commands.map((c) => c.value.stayDetails);
    const from = [...stays, ...commandStays].map((s) => s.checkInDate).sort()[0]!;
    const to = addDays(
      [...stays, ...commandStays]
        .map((s) => s.checkOutDate)
        .sort()
        .at(-1)!,
      1,
    );
    const problems = availabilityProblems(testCatalog, TEST_PROPERTY_IDS, held, (propertyId) =>
      queryAvailability(storeOf<SoldPerDay>('inventory', propertyId), testCatalog, propertyId, from, to),
    );
    // Nothing held outside the queried range either: every counter in every local store is accounted for.
    // (One entry per month of a room type: every night of it is checked.)
    for (const { store } of pipeline.streams.localStores<ReadOnlyKeyValueStore<string, SoldPerDay>>(
      'inventory',
    )) {
      const iterator = store.all();
      try {
        for (const [key, value] of storedNights(iterator)) {
          if (value !== (held.get(key) ?? 0))
            problems.push(`${key}: the store holds ${value}, expected ${held.get(key) ?? 0}`);
        }
      } finally {
        iterator.close();
      }
    }
    expectNone(problems, 'nights differ from capacity minus active reservations');
    expect(held.size).toBeGreaterThan(100);
  });

  it('never held a night beyond capacity plus the allowance, replaying availability.updated in order', () => {
    const problems = replayProblems(testCatalog, pipeline.collector.availability, reservations, held);
    expectNone(problems, 'problems replaying availability.updated');
    expect(pipeline.collector.availability.length).toBeGreaterThan(1_000);
  });
});
