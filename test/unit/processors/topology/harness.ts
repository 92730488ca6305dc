/**
 * A reservation pipeline in the TopologyTestDriver for the processor tests: the real topology with JSON
 * serdes, the shipped property catalog, the payment worker on the deterministic simulator, and builders of
 * input events. `settlePayments()` plays the payment worker: it performs every pending payment request and
 * pipes the answers back in, as the worker process does on a broker.
 */

import { readFileSync } from 'node:fs';
import { ResilientPaymentGateway } from '../../../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../../../processors/domain/payment/simulated-gateway.js';
import {
  parsePropertyCatalog,
  SAMPLE_CATALOG_PATH,
} from '../../../../processors/domain/reference-data-loader.js';
import { nightsOf } from '../../../../processors/domain/stay.js';
import type { KpiStats } from '../../../../processors/topology/booking-kpis.js';
import {
  type BuildOptions,
  buildReservationTopology,
  type INPUT_TOPICS,
  type OUTPUT_TOPICS,
  type SETTLEMENT_INPUT_TOPICS,
} from '../../../../processors/topology/build-reservation-topology.js';
import type { ReservationTopologyConfig } from '../../../../processors/topology/config.js';
import { type SoldPerDay, soldOn } from '../../../../processors/topology/inventory-store.js';
import {
  PAYMENT_REQUESTS_TOPIC,
  type PaymentRequest,
} from '../../../../processors/topology/payment-request.js';
import { PaymentWorker } from '../../../../processors/topology/payment-worker.js';
import type { ReservationState } from '../../../../processors/topology/reservation-state.js';
import { jsonReservationSerdes } from '../../../../processors/topology/serdes.js';
import type { TopicName, TopicValue } from '../../../../schemas/generated/topics.js';
import type {
  DeadLetter,
  PaymentCaptured,
  PaymentInitiated,
  PaymentRefunded,
  ReservationCreated,
  StayDetails,
} from '../../../../schemas/generated/types.js';
import type { KeyValueStore } from '../../../../state/store.js';
import { TopologyTestDriver, type TopologyTestDriverOptions } from '../../../../topology/test-driver.js';
import type { TestInputTopic, TestOutputTopic } from '../../../../topology/test-driver-topics.js';

/**
 * The shipped sample hotels plus a tiny test inn (4 standard rooms, 1 of which may be overbooked; 2
 * suites, none): small enough that tests reach capacity in a few bookings.
 */
export const catalog = parsePropertyCatalog({
  properties: [
    ...JSON.parse(readFileSync(SAMPLE_CATALOG_PATH, 'utf8')).properties,
    {
      propertyId: 'TST-INN',
      name: 'Test Inn',
      timeZone: 'Europe/Lisbon',
      currency: 'EUR',
      overbookingPercent: 25,
      checkInTime: '15:00',
      cancellationPolicy: { freeUntilHoursBeforeCheckIn: 48, lateFee: { type: 'FIRST_NIGHT' } },
      roomTypes: [
        { code: 'STD', name: 'Standard', capacity: 4, baseRate: '100.00', maxGuests: 2 },
        { code: 'STE', name: 'Suite', capacity: 2, baseRate: '250.00', maxGuests: 4 },
      ],
    },
  ],
});
const jsonSerdes = jsonReservationSerdes();

type InputTopic = keyof typeof INPUT_TOPICS | (typeof SETTLEMENT_INPUT_TOPICS)[number];
type OutputTopic = keyof typeof OUTPUT_TOPICS;

/** The running pipeline of one test. */
export interface Pipeline {
  readonly driver: TopologyTestDriver;
  readonly kpiStats: KpiStats;
  readonly gateway: SimulatedPaymentGateway;
  pipe<T extends InputTopic>(topic: T, value: TopicValue<T>, timestamp: number): void;
  /** Every unread record of an output topic, values only. */
  read<T extends OutputTopic>(topic: T): TopicValue<T>[];
  readRequests(): PaymentRequest[];
  /** Performs pending payment requests and pipes the answers back; returns what the worker produced. */
  settlePayments(timestamp: number): Promise<WorkerRecords>;
  reservation(confirmationNumber: string): ReservationState | undefined;
  sold(propertyId: string, roomType: string, night: string): number;
  close(): Promise<void>;
}

/** What the worker produced besides the answers the topology reads. */
export interface WorkerRecords {
  initiated: PaymentInitiated[];
  captured: PaymentCaptured[];
  refunded: PaymentRefunded[];
  deadLetters: DeadLetter[];
}

/** Starts a pipeline; in-memory stores unless `persistentStores` is set. */
export async function startPipeline(
  overrides: Partial<ReservationTopologyConfig> = {},
  gatewayOptions: ConstructorParameters<typeof SimulatedPaymentGateway>[0] = {},
  buildOptions: Omit<BuildOptions, 'kpiStats'> = {},
  /** A state folder of the caller's, kept after `close()`: a second pipeline on it restarts the first. */
  driverOptions: Pick<TopologyTestDriverOptions, 'stateDir'> = {},
): Promise<Pipeline> {
  const serdes = overrides.serdes ?? jsonSerdes;
  const kpiStats: KpiStats = { droppedLate: 0 };
  const topology = buildReservationTopology(
    { catalog, serdes, persistentStores: false, ...overrides },
    { ...buildOptions, kpiStats },
  );
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0, ...driverOptions });
  const inputs = new Map<string, TestInputTopic<string, unknown>>();
  const outputs = new Map<string, TestOutputTopic<string, unknown>>();
  const input = (topic: TopicName) => {
    let t = inputs.get(topic);
    if (t === undefined) {
      t = driver.createInputTopic(topic, serdes.key, serdes.value(topic) as never);
      inputs.set(topic, t);
    }
    return t;
  };
  const output = (topic: string) => {
    let t = outputs.get(topic);
    if (t === undefined) {
      t = driver.createOutputTopic(
        topic,
        serdes.key,
        topic === PAYMENT_REQUESTS_TOPIC
          ? (serdes.paymentRequest as never)
          : (serdes.value(topic as TopicName) as never),
      );
      outputs.set(topic, t);
    }
    return t;
  };
  const gateway = new SimulatedPaymentGateway(gatewayOptions);
  const resilient = new ResilientPaymentGateway(gateway, {
    retry: { sleep: async () => {} },
    circuit: { volumeThreshold: 1_000_000, resetTimeoutMs: 60_000 },
  });
  const worker = new PaymentWorker(resilient, { now: () => 0 });
  let requestOffset = 0;
  const readRequests = () => output(PAYMENT_REQUESTS_TOPIC).readValuesToList() as PaymentRequest[];
  return {
    driver,
    kpiStats,
    gateway,
    pipe(topic, value, timestamp) {
      input(topic).pipeInput((value as { propertyId: string }).propertyId, value, timestamp);
    },
    read(topic) {
      return output(topic).readValuesToList() as never;
    },
    readRequests,
    async settlePayments(timestamp) {
      const produced: WorkerRecords = { initiated: [], captured: [], refunded: [], deadLetters: [] };
      for (const request of readRequests()) {
        const records = await worker.handle(request, { partition: 0, offset: requestOffset++, timestamp });
        for (const r of records) {
          // Answers the topology reads go back in; the rest is returned for the test to inspect.
          if (r.topic !== 'payment.initiated' && r.topic !== 'payment.requests.dlq') {
            input(r.topic).pipeInput(r.key, r.value, timestamp);
          }
          if (r.topic === 'payment.initiated') produced.initiated.push(r.value);
          else if (r.topic === 'payment.captured') produced.captured.push(r.value);
          else if (r.topic === 'payment.refunded') produced.refunded.push(r.value);
          else if (r.topic === 'payment.requests.dlq') produced.deadLetters.push(r.value);
        }
      }
      return produced;
    },
    reservation(confirmationNumber) {
      return driver.getKeyValueStore<string, ReservationState>('reservations').get(confirmationNumber);
    },
    sold(propertyId, roomType, night) {
      return soldOn(driver.getKeyValueStore<string, SoldPerDay>('inventory'), propertyId, roomType, night);
    },
    async close() {
      resilient.close();
      await driver.close();
    },
  };
}

let sequence = 0;

/** A `reservation.created` event; rates quoted are placeholders (pricing re-prices). */
export function created(
  options: {
    confirmationNumber?: string;
    propertyId?: string;
    roomType?: string;
    checkIn?: string;
    checkOut?: string;
    rooms?: number;
    paymentToken?: string;
    currency?: string;
  } = {},
): ReservationCreated {
  const n = ++sequence;
  const propertyId = options.propertyId ?? 'TST-INN';
  const currency = options.currency ?? catalog.property(propertyId).currency;
  const zero = { amount: '0.00', currency };
  return {
    eventId: `evt-created-${n}`,
    eventType: 'ReservationCreated',
    occurredAt: 0,
    confirmationNumber: options.confirmationNumber ?? `RSV-2026-${String(n).padStart(6, '0')}`,
    propertyId,
    channel: 'DIRECT',
    guestDetails: {
      guestId: `guest-${n}`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.org',
      phone: null,
      loyaltyId: null,
      countryCode: 'GB',
    },
    stayDetails: stay(
      options.roomType ?? 'STD',
      options.checkIn ?? '2026-08-10',
      options.checkOut ?? '2026-08-12',
      options.rooms ?? 1,
    ),
    pricingDetails: {
      ratePlan: 'BAR',
      nightlyRates: [],
      roomTotal: zero,
      taxes: zero,
      fees: zero,
      totalAmount: zero,
    },
    paymentToken: options.paymentToken ?? 'tok_visa_4242',
    idempotencyKey: null,
  };
}

/** Stay details with the nights counted. */
export function stay(roomType: string, checkInDate: string, checkOutDate: string, rooms = 1): StayDetails {
  return {
    checkInDate,
    checkOutDate,
    nights: nightsOf(checkInDate, checkOutDate).length,
    roomType,
    rooms,
    adults: 2,
    children: 0,
  };
}

/** A `reservation.cancelled` request for a reservation. */
export function cancelled(
  of: ReservationCreated,
  eventId = `evt-cancel-${++sequence}`,
): TopicValue<'reservation.cancelled'> {
  const zero = { amount: '0.00', currency: of.pricingDetails.totalAmount.currency };
  return {
    eventId,
    eventType: 'ReservationCancelled',
    occurredAt: 0,
    confirmationNumber: of.confirmationNumber,
    propertyId: of.propertyId,
    stayDetails: of.stayDetails,
    previousStatus: 'CONFIRMED',
    reason: 'GUEST_REQUEST',
    freeCancellationDeadline: 0,
    withinFreeCancellation: true,
    cancellationFee: zero,
    refundAmount: zero,
  };
}

/** A `reservation.modified` request moving a reservation to `next`. */
export function modified(of: ReservationCreated, next: StayDetails): TopicValue<'reservation.modified'> {
  const zero = { amount: '0.00', currency: of.pricingDetails.totalAmount.currency };
  return {
    eventId: `evt-modify-${++sequence}`,
    eventType: 'ReservationModified',
    occurredAt: 0,
    confirmationNumber: of.confirmationNumber,
    propertyId: of.propertyId,
    previousStayDetails: of.stayDetails,
    stayDetails: next,
    pricingDetails: {
      ratePlan: 'BAR',
      nightlyRates: [],
      roomTotal: zero,
      taxes: zero,
      fees: zero,
      totalAmount: zero,
    },
    reason: null,
  };
}

/** A `reservation.checkin` event. */
export function checkedIn(of: ReservationCreated): TopicValue<'reservation.checkin'> {
  return {
    eventId: `evt-checkin-${++sequence}`,
    eventType: 'ReservationCheckedIn',
    occurredAt: 0,
    confirmationNumber: of.confirmationNumber,
    propertyId: of.propertyId,
    checkInDate: of.stayDetails.checkInDate,
    roomNumbers: ['101'],
  };
}

/** A `reservation.checkout` event. */
export function checkedOut(of: ReservationCreated): TopicValue<'reservation.checkout'> {
  return {
    eventId: `evt-checkout-${++sequence}`,
    eventType: 'ReservationCheckedOut',
    occurredAt: 0,
    confirmationNumber: of.confirmationNumber,
    propertyId: of.propertyId,
    checkOutDate: of.stayDetails.checkOutDate,
    finalAmount: null,
  };
}

/** The inventory store, for tests that read it directly. */
export function inventoryStore(pipeline: Pipeline): KeyValueStore<string, SoldPerDay> {
  return pipeline.driver.getKeyValueStore<string, SoldPerDay>('inventory');
}
