/**
 * `buildReservationTopology(config)`: the whole reservation pipeline as one topology, partitioned by
 * `propertyId` (every topic is keyed by it), so that every event of a property is handled in order by one
 * task and the last room is decided by partition order.
 *
 * ```
 * reservation.created|modified|cancelled|checkin|checkout, payment.authorized|failed
 *   → reservation-intake   (state machine, validation, replay guard; reads `reservations`)
 *   → inventory            (overbooking decision; `inventory`)       → availability.updated|overbooked, analytics.occupancy
 *   → pricing              (demand tiers; `rates`, reads `inventory`) → rate.applied, rate.updated
 *   → payment-requests     (authorise, refund by policy, capture)    → payment.requests
 *   → reservation-status   (`reservations`)                          → reservation.confirmed|rejected
 *   → booking-kpis         (window stores)                           → analytics.booking-kpis
 * payment.captured|refunded → daily-settlement (batches per business day) → payment.settled
 * ```
 * Refusals skip ahead to `reservation-status`. Payment itself happens outside the topology, in the
 * {@link PaymentWorker}, which answers on `payment.authorized|failed|captured|refunded`.
 */
import type { TopicName } from '../../schemas/generated/topics.js';
import type { StoreBuilder } from '../../state/store.js';
import { Stores } from '../../state/stores.js';
import { Serdes } from '../../topology/serdes/index.js';
import { Topology } from '../../topology/topology.js';
import type { KpiTotals } from '../domain/kpis.js';
import { type ReservationTopologyConfig, resolveConfig, STORES } from './config.js';
import { type Command, NODES, sinkFor } from './flow.js';
import { intakeProcessor } from './intake-processor.js';
import { inventoryProcessor } from './inventory-processor.js';
import { type KpiProcessorStats, kpiProcessor, kpiStoreName } from './kpi-processor.js';
import { paymentProcessor } from './payment-processor.js';
import { PAYMENT_REQUESTS_TOPIC } from './payment-request.js';
import { pricingProcessor } from './pricing-processor.js';
import { SETTLEMENT_STORES, type SettlementBatch, settlementProcessor } from './settlement-processor.js';
import { statusProcessor } from './status-processor.js';

/** The topics the topology reads, and the command each one carries. */
export const INPUT_TOPICS = {
  'reservation.created': 'CREATE',
  'reservation.modified': 'MODIFY',
  'reservation.cancelled': 'CANCEL',
  'reservation.checkin': 'CHECK_IN',
  'reservation.checkout': 'CHECK_OUT',
  'payment.authorized': 'AUTHORIZED',
  'payment.failed': 'PAYMENT_FAILED',
} as const satisfies Partial<Record<TopicName, Command['kind']>>;

/** The payment worker's reports the settlement processor reads. */
export const SETTLEMENT_INPUT_TOPICS = [
  'payment.captured',
  'payment.refunded',
] as const satisfies readonly TopicName[];

/** The event topics the topology writes (besides `payment.requests`), with the nodes that write them. */
export const OUTPUT_TOPICS = {
  'availability.updated': [NODES.inventory],
  'availability.overbooked': [NODES.inventory],
  'analytics.occupancy': [NODES.inventory],
  'rate.applied': [NODES.pricing],
  'rate.updated': [NODES.pricing],
  'reservation.confirmed': [NODES.status],
  'reservation.rejected': [NODES.status],
  'analytics.booking-kpis': [NODES.kpis],
  'payment.settled': [NODES.settlement],
} as const satisfies Partial<Record<TopicName, readonly string[]>>;

/** Options that only tests need. */
export interface BuildOptions {
  /** Receives the KPI processor's counters (late events dropped). */
  readonly kpiStats?: KpiProcessorStats;
}

/** Builds the reservation topology from `config` (see the diagram at the top of this file). */
export function buildReservationTopology(
  config: ReservationTopologyConfig,
  options: BuildOptions = {},
): Topology {
  const resolved = resolveConfig(config);
  const { serdes, topicPrefix: prefix } = resolved;
  const topology = new Topology();
  const sources: string[] = [];
  for (const topic of Object.keys(INPUT_TOPICS) as (keyof typeof INPUT_TOPICS)[]) {
    const name = `source:${topic}`;
    topology.addSource(name, prefix + topic, { keySerde: serdes.key, valueSerde: serdes.value(topic) });
    sources.push(name);
  }
  topology
    .addProcessor(
      NODES.intake,
      () => intakeProcessor(resolved, (topic, value) => toCommand(topic.slice(prefix.length), value)),
      ...sources,
    )
    .addProcessor(NODES.inventory, () => inventoryProcessor(resolved), NODES.intake)
    .addProcessor(NODES.pricing, () => pricingProcessor(resolved), NODES.inventory)
    .addProcessor(NODES.payment, () => paymentProcessor(resolved), NODES.pricing)
    .addProcessor(
      NODES.status,
      () => statusProcessor(resolved.reservationRetentionMs),
      NODES.intake,
      NODES.inventory,
      NODES.payment,
    )
    .addProcessor(NODES.kpis, () => kpiProcessor(resolved, options.kpiStats), NODES.status);

  const settlementSources = SETTLEMENT_INPUT_TOPICS.map((topic) => {
    const name = `source:${topic}`;
    topology.addSource(name, prefix + topic, { keySerde: serdes.key, valueSerde: serdes.value(topic) });
    return name;
  });
  // The edge from reservation-status carries no records (status never forwards to it); it puts settlement
  // in the same task as the property's reservations, so the task's stream time (which closes business
  // days) advances with every event of the property, not only with captures and refunds.
  topology.addProcessor(
    NODES.settlement,
    () => settlementProcessor(resolved),
    ...settlementSources,
    NODES.status,
  );

  for (const [topic, parents] of Object.entries(OUTPUT_TOPICS) as [
    keyof typeof OUTPUT_TOPICS,
    readonly string[],
  ][]) {
    topology.addSink(
      sinkFor(topic),
      prefix + topic,
      { keySerde: serdes.key, valueSerde: serdes.value(topic) },
      ...parents,
    );
  }
  topology.addSink(
    sinkFor(PAYMENT_REQUESTS_TOPIC),
    prefix + PAYMENT_REQUESTS_TOPIC,
    { keySerde: serdes.key, valueSerde: serdes.paymentRequest },
    NODES.payment,
  );

  const keyValue = (name: string) =>
    resolved.persistentStores ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  topology
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(STORES.reservations), Serdes.string(), serdes.reservationState),
      NODES.intake,
      NODES.status,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(STORES.inventory), Serdes.string(), Serdes.int32()),
      NODES.inventory,
      NODES.pricing,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(STORES.rates), Serdes.string(), Serdes.number()),
      NODES.pricing,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(STORES.pace), Serdes.string(), Serdes.json<number[]>()),
      NODES.pricing,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(STORES.kpiProgress), Serdes.string(), Serdes.number()),
      NODES.kpis,
    );
  topology
    .addStateStore(
      Stores.keyValueStoreBuilder(
        keyValue(SETTLEMENT_STORES.batches),
        Serdes.string(),
        Serdes.json<SettlementBatch>(),
      ),
      NODES.settlement,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(keyValue(SETTLEMENT_STORES.closed), Serdes.string(), Serdes.string()),
      NODES.settlement,
    );
  for (const spec of resolved.kpiWindows) {
    // Keep a window until it is closed, plus one more window of slack for the close to find it.
    const retention = spec.sizeMs + resolved.kpiGraceMs + spec.advanceMs;
    const name = kpiStoreName(spec);
    const supplier = resolved.persistentStores
      ? Stores.persistentWindowStore(name, retention, spec.sizeMs, false)
      : Stores.inMemoryWindowStore(name, retention, spec.sizeMs, false);
    const builder: StoreBuilder = Stores.windowStoreBuilder(
      supplier,
      Serdes.string(),
      Serdes.json<KpiTotals>(),
    );
    topology.addStateStore(builder, NODES.kpis);
  }
  return topology;
}

function toCommand(topic: string, value: unknown): Command {
  const kind = (INPUT_TOPICS as Readonly<Record<string, Command['kind']>>)[topic];
  if (kind === undefined) {
    throw new TypeError(
      `the reservation intake got a record from "${topic}", which is not one of its input topics`,
    );
  }
  return { kind, event: value } as Command;
}
