/**
 * `buildReservationTopology(config)`: the whole reservation pipeline, written with the library's DSL
 * (`StreamsBuilder`) and partitioned by `propertyId` (every topic is keyed by it), so that every event of a
 * property is handled in order by one task and the last room is decided by partition order.
 *
 * ```
 * reservation.created|modified|cancelled|checkin|checkout, payment.authorized|failed
 *   → reservation-intake   (state machine, validation, replay guard; reads `reservations`)
 *   → inventory            (overbooking decision; `inventory`)       → availability.updated|overbooked
 *   → pricing              (demand tiers; `rates`, `booking-pace`, reads `inventory`) → rate.applied, rate.updated
 *   → payment-requests     (authorise, refund by policy, capture)    → payment.requests
 *   → reservation-status   (`reservations`)                          → reservation.confirmed|rejected
 *   → booking KPIs         (windowed aggregations, final results)    → analytics.booking-kpis
 *   → on-the-books         (per stay night by month, daily changes; `on-the-books`, see analytics/)
 *   → analytics-alerts     (start, change, end of each alert; `alert-states`) → analytics.alerts
 * payment.captured|refunded → daily-settlement (batches per business day) → payment.settled
 * ```
 * Each domain step is a `processValues()` with its named stores; it forwards {@link Routed} values, and a
 * `split()` after it sends each to the next step or to the `to()` of its topic. Refusals skip ahead to
 * `reservation-status`. Payment itself happens outside the topology, in the {@link PaymentWorker}, which
 * answers on `payment.authorized|failed|captured|refunded`.
 */
import type { TopicName } from '../../schemas/generated/topics.js';
import type { Serde } from '../../schemas/serde.js';
import { Stores } from '../../state/stores.js';
import { Consumed } from '../../topology/consumed.js';
import type { KStream } from '../../topology/kstream.js';
import { Named } from '../../topology/named.js';
import { Produced } from '../../topology/produced.js';
import { Serdes } from '../../topology/serdes/index.js';
import { StreamsBuilder } from '../../topology/streams-builder.js';
import type { Topology } from '../../topology/topology.js';
import type { AlertStats } from './analytics/alerts-processor.js';
import { ALERTS_NODE, analyticsAlerts } from './analytics/analytics-alerts.js';
import { onTheBooks } from './analytics/on-the-books.js';
import { bookingKpis, type KpiFact, type KpiStats } from './booking-kpis.js';
import { type ReservationTopologyConfig, type ResolvedConfig, resolveConfig, STORES } from './config.js';
import { type Command, NODES, type Routed, routedSerde, routedTo } from './flow.js';
import { intakeProcessor } from './intake-processor.js';
import { inventoryProcessor } from './inventory-processor.js';
import { soldPerDaySerde } from './inventory-store.js';
import { paymentProcessor } from './payment-processor.js';
import { PAYMENT_REQUESTS_TOPIC } from './payment-request.js';
import { PACE_STORE_RETENTION_MS, pricingProcessor } from './pricing-processor.js';
import { closedStoreBuilder } from './rolled-up-kpis.js';
import { SETTLEMENT_STORES, type SettlementBatch, settlementProcessor } from './settlement-processor.js';
import { STATUS_STORES, statusProcessor } from './status-processor.js';

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

/** The event topics the topology writes (besides `payment.requests`), with the steps that write them. */
export const OUTPUT_TOPICS = {
  'availability.updated': [NODES.inventory],
  'availability.overbooked': [NODES.inventory],
  'rate.applied': [NODES.pricing],
  'rate.updated': [NODES.pricing],
  'reservation.confirmed': [NODES.status],
  'reservation.rejected': [NODES.status],
  'analytics.booking-kpis': [NODES.kpis],
  'analytics.alerts': [ALERTS_NODE],
  'payment.settled': [NODES.settlement],
} as const satisfies Partial<Record<TopicName, readonly string[]>>;

/** Options that only tests need. */
export interface BuildOptions {
  /** Receives the KPI aggregations' counters (late facts dropped). */
  readonly kpiStats?: KpiStats;
  /** Counts the alert events emitted (the API's `analytics_alerts_emitted_total`). */
  readonly alertStats?: AlertStats;
}

/** Builds the reservation topology from `config` (see the diagram at the top of this file). */
export function buildReservationTopology(
  config: ReservationTopologyConfig,
  options: BuildOptions = {},
): Topology {
  const resolved = resolveConfig(config);
  const { serdes, topicPrefix: prefix } = resolved;
  const kpiStats = options.kpiStats;
  const builder = new StreamsBuilder({
    defaultStoreType: resolved.persistentStores ? 'rocksdb' : 'in_memory',
    onDroppedRecord: (dropped) => {
      // Only the KPI windows drop records for lateness.
      if (dropped.reason === 'window-closed' && kpiStats !== undefined) kpiStats.droppedLate++;
    },
  });
  addStores(builder, resolved);

  // One source for the command topics: the intake tells the command by the record's topic.
  const commands = builder.stream<string, unknown>(
    Object.keys(INPUT_TOPICS).map((topic) => prefix + topic),
    Consumed.with(serdes.key, valueSerdeByTopic(resolved)).withName('source:commands'),
  );
  const intake = routes(
    commands.processValues(
      () => intakeProcessor(resolved, (topic, value) => toCommand(topic.slice(prefix.length), value)),
      Named.as(NODES.intake),
      STORES.reservations,
    ),
    NODES.intake,
    [NODES.inventory, NODES.status],
  );
  const inventory = routes(
    intake[NODES.inventory]!.processValues(
      routedTo(() => inventoryProcessor(resolved)),
      Named.as(NODES.inventory),
      STORES.inventory,
    ),
    NODES.inventory,
    [NODES.pricing, NODES.status, 'availability.updated', 'availability.overbooked'],
  );
  const pricing = routes(
    inventory[NODES.pricing]!.processValues(
      routedTo(() => pricingProcessor(resolved)),
      Named.as(NODES.pricing),
      STORES.inventory,
      STORES.rates,
      STORES.pace,
    ),
    NODES.pricing,
    [NODES.payment, 'rate.applied', 'rate.updated'],
  );
  const payment = routes(
    pricing[NODES.payment]!.processValues(
      routedTo(() => paymentProcessor(resolved)),
      Named.as(NODES.payment),
    ),
    NODES.payment,
    [NODES.status, PAYMENT_REQUESTS_TOPIC],
  );
  const status = routes(
    intake[NODES.status]!.merge(inventory[NODES.status]!)
      .merge(payment[NODES.status]!)
      .processValues(
        routedTo(() => statusProcessor(resolved.reservationRetentionMs)),
        Named.as(NODES.status),
        STORES.reservations,
        STATUS_STORES.expiry,
      ),
    NODES.status,
    [NODES.kpis, NODES.settlement, 'reservation.confirmed', 'reservation.rejected'],
  );
  const kpis = bookingKpis(
    status[NODES.kpis]!.mapValues((routed) => routed.value as KpiFact),
    resolved,
  );
  analyticsAlerts(builder, onTheBooks(status[NODES.kpis]!, resolved), resolved, options.alertStats);

  // The status step never routes to settlement: the merge puts settlement in the same task as the
  // property's reservations, so the task's stream time (which closes business days) advances with every
  // event of the property, not only with captures and refunds.
  const payments = builder.stream<string, Routed>(
    SETTLEMENT_INPUT_TOPICS.map((topic) => prefix + topic),
    Consumed.with(serdes.key, routedSerde(valueSerdeByTopic(resolved))).withName('source:payments'),
  );
  const settlement = routes(
    payments.merge(status[NODES.settlement]!).processValues(
      routedTo(() => settlementProcessor(resolved)),
      Named.as(NODES.settlement),
      SETTLEMENT_STORES.batches,
      SETTLEMENT_STORES.closed,
    ),
    NODES.settlement,
    ['payment.settled'],
  );

  const outputs: Record<keyof typeof OUTPUT_TOPICS, KStream<string, Routed> | undefined> = {
    'availability.updated': inventory['availability.updated'],
    'availability.overbooked': inventory['availability.overbooked'],
    'rate.applied': pricing['rate.applied'],
    'rate.updated': pricing['rate.updated'],
    'reservation.confirmed': status['reservation.confirmed'],
    'reservation.rejected': status['reservation.rejected'],
    'analytics.booking-kpis': undefined,
    'analytics.alerts': undefined,
    'payment.settled': settlement['payment.settled'],
  };
  for (const [topic, stream] of Object.entries(outputs) as [
    keyof typeof OUTPUT_TOPICS,
    KStream<string, Routed> | undefined,
  ][]) {
    stream?.to(
      prefix + topic,
      Produced.with(serdes.key, routedSerde(serdes.value(topic) as Serde<unknown>)).withName(sinkName(topic)),
    );
  }
  kpis.to(
    `${prefix}analytics.booking-kpis`,
    Produced.with(serdes.key, serdes.value('analytics.booking-kpis')).withName(
      sinkName('analytics.booking-kpis'),
    ),
  );
  payment[PAYMENT_REQUESTS_TOPIC]!.to(
    prefix + PAYMENT_REQUESTS_TOPIC,
    Produced.with(serdes.key, routedSerde(serdes.paymentRequest as Serde<unknown>)).withName(
      sinkName(PAYMENT_REQUESTS_TOPIC),
    ),
  );
  return builder.build();
}

/** The sink node writing `topic`. */
function sinkName(topic: string): string {
  return `sink:${topic}`;
}

/**
 * Splits a step's {@link Routed} output by route: one branch per route name, named `<step>-to-<route>`.
 * The values stay wrapped: the next step unwraps them ({@link routedTo}), a sink writes the inner value
 * ({@link routedSerde}), so the diagram shows each step and its branches and nothing in between.
 */
function routes(
  output: KStream<string, unknown>,
  step: string,
  names: readonly string[],
): Record<string, KStream<string, Routed>> {
  let split = (output as KStream<string, Routed>).split(`${step}-to-`);
  for (const name of names) split = split.branch((_key, value) => value.route === name, name);
  return split.noDefaultBranch() as Record<string, KStream<string, Routed>>;
}

/** The value serde of several input topics: each record is read with the serde of its own topic. */
function valueSerdeByTopic(resolved: ResolvedConfig): Serde<unknown> {
  const serdeOf = (topic: string) =>
    resolved.serdes.value(topic.slice(resolved.topicPrefix.length) as TopicName) as Serde<unknown>;
  return {
    name: 'by topic',
    serialize: (value, context) => serdeOf(context.topic).serialize(value, context),
    deserialize: (data, context) => serdeOf(context.topic).deserialize(data, context),
    prepare: async (context) => serdeOf(context.topic).prepare?.(context),
  };
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

/** The key-value and window stores the domain steps use (the KPI stores come with their aggregations). */
function addStores(builder: StreamsBuilder, resolved: ResolvedConfig): void {
  const { serdes } = resolved;
  const keyValue = (name: string) =>
    resolved.persistentStores ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  const window = (name: string, retentionMs: number, sizeMs: number) =>
    resolved.persistentStores
      ? Stores.persistentWindowStore(name, retentionMs, sizeMs, true)
      : Stores.inMemoryWindowStore(name, retentionMs, sizeMs, true);
  // Cached (Processor API stores opt in, as in Kafka Streams): a key written several times between two
  // commits (a reservation created then confirmed, a night booked twice) writes its changelog once.
  const cachedKeyValue = <V>(name: string, valueSerde: Serde<V>) =>
    Stores.keyValueStoreBuilder(keyValue(name), Serdes.string(), valueSerde).withCachingEnabled();
  const paceRetention = resolved.pricing.pace?.windowMs ?? PACE_STORE_RETENTION_MS;
  builder
    .addStateStore(cachedKeyValue(STORES.reservations, serdes.reservationState))
    .addStateStore(cachedKeyValue(STATUS_STORES.expiry, Serdes.string()))
    .addStateStore(cachedKeyValue(STORES.inventory, soldPerDaySerde()))
    .addStateStore(cachedKeyValue(STORES.rates, soldPerDaySerde()))
    // One record per booking at its event time: the pace is a count over a time range, no list rewritten.
    .addStateStore(
      Stores.windowStoreBuilder(window(STORES.pace, paceRetention, 1), Serdes.string(), Serdes.number()),
    )
    .addStateStore(cachedKeyValue(SETTLEMENT_STORES.batches, Serdes.json<SettlementBatch>()))
    .addStateStore(cachedKeyValue(SETTLEMENT_STORES.closed, Serdes.string()));
  // The KPI families summed from others keep the end of the last window they published.
  for (const spec of resolved.kpiWindows.filter((w) => w.sumOf !== undefined && w.published !== false)) {
    builder.addStateStore(closedStoreBuilder(spec, resolved.persistentStores));
  }
}
