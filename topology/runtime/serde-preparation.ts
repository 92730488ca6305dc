/**
 * Awaits the serdes' asynchronous warm-up (`prepare` / `prepareBatch` of `schemas/serde.ts`) outside the
 * per-record loop, so that `serialize`/`deserialize` stay synchronous and never meet an unprepared topic:
 *
 * - before a fetched batch is processed, `prepareBatch` of the source key/value serdes of its topic (a
 *   record written with a schema id the serde has never seen gets its reader installed first);
 * - when a task is created, `prepare` of its sink serdes (fixed topics) and of its stores' serdes in the
 *   context of their changelog topic.
 *
 * Serdes without these methods cost nothing: {@link SerdePreparation.beforeBatch} returns `undefined` for
 * their topics, so the stateless path never awaits.
 */
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import {
  resolveChangelogTopic,
  resolveTopicName,
  type SubtopologyPlan,
  type TopologyPlan,
} from '../internal/topology-plan.js';

interface SourceSerde {
  readonly serde: Serde<unknown>;
  readonly isKey: boolean;
}

/** The store builders of `state/` carry their serdes as public fields; the StoreBuilder contract does not. */
interface SerdeCarrier {
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
}

export class SerdePreparation {
  readonly #plan: TopologyPlan;
  readonly #applicationId: string;
  /** Per real topic name: the source serdes that have `prepareBatch` (empty: nothing to await). */
  readonly #batchSerdes = new Map<string, ReadonlyArray<SourceSerde>>();

  constructor(plan: TopologyPlan, applicationId: string) {
    this.#plan = plan;
    this.#applicationId = applicationId;
    for (const node of plan.nodes.values()) {
      if (node.type !== 'source') continue;
      for (const relative of node.topics) {
        const topic = resolveTopicName(plan, applicationId, relative);
        const list = [...(this.#batchSerdes.get(topic) ?? [])];
        for (const [serde, isKey] of [
          [node.keySerde, true],
          [node.valueSerde, false],
        ] as const) {
          if (serde.prepareBatch !== undefined && !list.some((s) => s.serde === serde && s.isKey === isKey))
            list.push({ serde, isKey });
        }
        this.#batchSerdes.set(topic, list);
      }
    }
  }

  /**
   * The look-ahead of the batch's source serdes, or `undefined` when none of them has one (then the
   * caller must not await at all). Rejects when the registry is unreachable (retriable).
   */
  beforeBatch(batch: RecordBatch): Promise<void> | undefined {
    const serdes = this.#batchSerdes.get(batch.topic);
    if (serdes === undefined || serdes.length === 0) return undefined;
    return Promise.all(
      serdes.map(({ serde, isKey }) =>
        serde.prepareBatch!(
          batch.records.map((record) => (isKey ? record.key : record.value)),
          { topic: batch.topic, isKey },
        ),
      ),
    ).then(() => undefined);
  }

  /**
   * Prepares the serdes a task of `subtopologyId` writes with: its sinks' (fixed topics only; a topic
   * extractor's topics are known only per record) and its stores' (changelog topic context).
   */
  async forTask(subtopologyId: number): Promise<void> {
    const sub = this.#plan.subtopologies.find((s) => s.id === subtopologyId);
    if (sub === undefined) return;
    const pending: Promise<void>[] = [];
    for (const { serde, context } of this.#writerSerdes(sub)) {
      if (serde.prepare !== undefined) pending.push(serde.prepare(context));
    }
    await Promise.all(pending);
  }

  *#writerSerdes(sub: SubtopologyPlan): Iterable<{ serde: Serde<unknown>; context: SerdeContext }> {
    for (const node of sub.nodes) {
      if (node.type !== 'sink' || typeof node.topic !== 'string') continue;
      const topic = resolveTopicName(this.#plan, this.#applicationId, node.topic);
      yield { serde: node.keySerde, context: { topic, isKey: true } };
      yield { serde: node.valueSerde, context: { topic, isKey: false } };
    }
    for (const storeName of sub.stores) {
      const def = this.#plan.stores.get(storeName);
      if (def === undefined || def.global) continue;
      const carrier = def.builder as unknown as SerdeCarrier;
      const topic = resolveChangelogTopic(this.#applicationId, storeName);
      if (carrier.keySerde !== undefined) yield { serde: carrier.keySerde, context: { topic, isKey: true } };
      if (carrier.valueSerde !== undefined)
        yield { serde: carrier.valueSerde, context: { topic, isKey: false } };
    }
  }

  /**
   * A look-ahead of a store's value serde over restored changelog values (written, perhaps, with an
   * older schema version). Keys are skipped: window and session stores prefix them with their own bytes.
   */
  async prepareStoreValues(
    storeName: string,
    topic: string,
    values: ReadonlyArray<Buffer | null>,
  ): Promise<void> {
    const carrier = this.#plan.stores.get(storeName)?.builder as unknown as SerdeCarrier | undefined;
    await carrier?.valueSerde?.prepareBatch?.(values, { topic, isKey: false });
  }
}
