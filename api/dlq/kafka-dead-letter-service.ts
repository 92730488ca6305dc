/**
 * The {@link DeadLetterService} on Kafka and Postgres. Listing reads the `.dlq` topic and joins the
 * replay records; a replay claims each record in `ops.dlq_replay` (primary key: dlq topic, partition,
 * offset) inside a transaction, produces it to its source topic and commits only after the broker
 * acknowledged, so a record is replayed once even when two operators press the button together (the
 * second waits on the row lock, then finds the claim).
 */
import type { Pool } from 'pg';
import { avroSerde } from '../../schemas/avro-serde.js';
import { DeadLetterSchema } from '../../schemas/generated/schemas.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { DLQ_HEADERS } from '../../topology/dead-letter.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { type ReadTopicConnection, readTopicToEnd, type TopicRecord } from '../../topology/runtime/index.js';
import type { EventPublisher } from '../kafka/event-publisher.js';
import type { DeadLetterEntry, DeadLetterService, ReplayResult, ReplaySelection } from './dead-letters.js';

/** A dead letter with what a replay needs. */
interface Decoded {
  readonly entry: Omit<DeadLetterEntry, 'replayed'>;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | string>;
}

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

/** Dead letters in Kafka, replays recorded in Postgres. */
export class KafkaDeadLetterService implements DeadLetterService {
  readonly #cluster: ReadTopicConnection | KafkaClient;
  readonly #pool: Pool;
  readonly #publisher: EventPublisher;
  readonly #envelopes;

  constructor(
    cluster: ReadTopicConnection | KafkaClient,
    pool: Pool,
    publisher: EventPublisher,
    registry: SchemaRegistryClient,
  ) {
    this.#cluster = cluster;
    this.#pool = pool;
    this.#publisher = publisher;
    this.#envelopes = avroSerde(DeadLetterSchema, { registry });
  }

  async list(dlqTopic: string, limit: number): Promise<DeadLetterEntry[]> {
    const decoded = await this.#read(dlqTopic, limit);
    const replays = await this.#pool.query<{
      dlq_partition: number;
      dlq_offset: string;
      replayed_at: Date;
      replayed_by: string;
    }>(
      'SELECT dlq_partition, dlq_offset::text AS dlq_offset, replayed_at, replayed_by FROM ops.dlq_replay WHERE dlq_topic = $1',
      [dlqTopic],
    );
    const byCoordinates = new Map(replays.rows.map((r) => [`${r.dlq_partition}:${r.dlq_offset}`, r]));
    return decoded.map(({ entry }) => {
      const replay = byCoordinates.get(`${entry.partition}:${entry.offset}`);
      return {
        ...entry,
        replayed:
          replay === undefined ? null : { at: replay.replayed_at.toISOString(), by: replay.replayed_by },
      };
    });
  }

  async replay(dlqTopic: string, selection: ReplaySelection, by: string): Promise<ReplayResult> {
    const decoded = await this.#read(dlqTopic, Number.POSITIVE_INFINITY);
    const wanted =
      'all' in selection
        ? decoded
        : selection.records.map(
            (c) => decoded.find((d) => d.entry.partition === c.partition && d.entry.offset === c.offset) ?? c,
          );
    const replayed: ReplayResult['replayed'][number][] = [];
    const skipped: ReplayResult['skipped'][number][] = [];
    for (const item of wanted) {
      if (!('entry' in item)) {
        skipped.push({
          partition: item.partition,
          offset: item.offset,
          reason: 'no such record in the topic',
        });
        continue;
      }
      const { entry } = item;
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        const claim = await client.query(
          `INSERT INTO ops.dlq_replay (dlq_topic, dlq_partition, dlq_offset, source_topic, replayed_by)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [dlqTopic, entry.partition, entry.offset, entry.sourceTopic, by],
        );
        if (claim.rowCount === 0) {
          await client.query('ROLLBACK');
          skipped.push({ partition: entry.partition, offset: entry.offset, reason: 'already replayed' });
          continue;
        }
        const target = await this.#publisher.publishRaw({
          topic: entry.sourceTopic,
          key: item.key,
          value: item.value,
          timestamp: entry.timestamp,
          headers: item.headers,
        });
        await client.query(
          `UPDATE ops.dlq_replay SET target_partition = $4, target_offset = $5
           WHERE dlq_topic = $1 AND dlq_partition = $2 AND dlq_offset = $3`,
          [dlqTopic, entry.partition, entry.offset, target.partition, target.offset],
        );
        await client.query('COMMIT');
        replayed.push({ partition: entry.partition, offset: entry.offset, targetTopic: entry.sourceTopic });
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    return { replayed, skipped };
  }

  async #read(dlqTopic: string, limit: number): Promise<Decoded[]> {
    // The runtime writes dead letters inside its transactions under exactly_once: aborted ones never count.
    const records = await readTopicToEnd(this.#cluster, dlqTopic, { isolation: 'read_committed', limit });
    const context = { topic: dlqTopic, isKey: false } as const;
    const envelopes = records.filter((r) => header(r.headers, DLQ_HEADERS.sourceTopic) === undefined);
    if (envelopes.length > 0)
      await this.#envelopes.prepareBatch(
        envelopes.map((r) => r.value),
        context,
      );
    return records.map((record) => this.#decode(dlqTopic, record));
  }

  #decode(dlqTopic: string, record: TopicRecord): Decoded {
    const coordinates = {
      dlqTopic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
    };
    const sourceTopic = header(record.headers, DLQ_HEADERS.sourceTopic);
    if (sourceTopic !== undefined) {
      // The runtime's shape: original bytes, error and source in x-dlq-* headers (dropped on replay).
      const headers: Record<string, Buffer | string> = {};
      for (const [name, value] of Object.entries(record.headers)) {
        if (!DLQ_HEADER_NAMES.has(name) && value !== undefined)
          headers[name] = Array.isArray(value) ? value[0]! : value;
      }
      const partition = header(record.headers, DLQ_HEADERS.sourcePartition);
      return {
        entry: {
          ...coordinates,
          sourceTopic,
          sourcePartition: partition === undefined ? null : Number(partition),
          sourceOffset: header(record.headers, DLQ_HEADERS.sourceOffset) ?? null,
          errorCode: header(record.headers, DLQ_HEADERS.errorCode) ?? 'UNKNOWN',
          errorMessage: header(record.headers, DLQ_HEADERS.errorMessage) ?? '',
        },
        key: record.key,
        value: record.value,
        headers,
      };
    }
    // The payment worker's shape: an Avro DeadLetter envelope holding the original record.
    const envelope = this.#envelopes.deserialize(record.value, { topic: dlqTopic, isKey: false });
    return {
      entry: {
        ...coordinates,
        sourceTopic: envelope.sourceTopic,
        sourcePartition: envelope.sourcePartition,
        sourceOffset: String(envelope.sourceOffset),
        errorCode: envelope.errorCode,
        errorMessage: envelope.errorMessage,
      },
      key: envelope.key,
      value: envelope.value,
      headers: envelope.headers,
    };
  }
}

function header(headers: TopicRecord['headers'], name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
