/**
 * Wires the alert emitter into the topology: the `on-the-books` table's changes (`toChangeStream()`, after
 * the record cache: a month of a room type before and after, so the emitter evaluates the stay dates that
 * changed) go to the `analytics-alerts` processor with its stores, whose events go to
 * `analytics.alerts`, keyed by property like every topic of the pipeline. See `alerts-processor.ts`.
 */
import type { Serde } from '../../../schemas/serde.js';
import { Stores } from '../../../state/stores.js';
import type { KTable } from '../../../topology/ktable.js';
import { Named } from '../../../topology/named.js';
import { Produced } from '../../../topology/produced.js';
import { Serdes } from '../../../topology/serdes/index.js';
import type { StreamsBuilder } from '../../../topology/streams-builder.js';
import type { ResolvedConfig } from '../config.js';
import { ALERT_STORES, type AlertState, type AlertStats, alertsProcessor } from './alerts-processor.js';
import { ANALYTICS_STORES, type MonthBooks } from './on-the-books.js';

/** The alert emitter's processor node. */
export const ALERTS_NODE = 'analytics-alerts';
/** The topic of the alert events. */
export const ALERTS_TOPIC = 'analytics.alerts';

/** Adds the alert emitter after the `on-the-books` aggregation `books`. */
export function analyticsAlerts(
  builder: StreamsBuilder,
  books: KTable<string, MonthBooks>,
  config: ResolvedConfig,
  stats?: AlertStats,
): void {
  const keyValue = (name: string) =>
    config.persistentStores ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  // Cached: a stay date evaluated several times between two commits writes its changelog once.
  const cached = <V>(name: string, valueSerde: Serde<V>) =>
    Stores.keyValueStoreBuilder(keyValue(name), Serdes.string(), valueSerde).withCachingEnabled();
  builder
    .addStateStore(cached(ALERT_STORES.alerts, Serdes.json<AlertState>()))
    .addStateStore(cached(ALERT_STORES.evaluatedDays, Serdes.string()));
  books
    .toChangeStream(Named.as('on-the-books-changes'))
    .process(
      () => alertsProcessor(config, stats),
      Named.as(ALERTS_NODE),
      ANALYTICS_STORES.onTheBooks,
      ALERT_STORES.alerts,
      ALERT_STORES.evaluatedDays,
    )
    .to(
      config.topicPrefix + ALERTS_TOPIC,
      Produced.with(config.serdes.key, config.serdes.value(ALERTS_TOPIC)).withName(`sink:${ALERTS_TOPIC}`),
    );
}
