/** The port's {@link RecordProducer} on an idempotent @platformatic/kafka `Producer`. */
import { type BaseOptions, CompressionAlgorithms, Producer } from '@platformatic/kafka';
import { Mutex } from '../../util/mutex.js';
import { KafkaFacadeError } from '../errors.js';
import { chunksOf, refuseOversized } from '../outgoing-records.js';
import type { ProducedRecord, RecordProducer, RecordProducerOptions, SendFailure } from '../producer.js';
import type { OutgoingRecord } from '../types.js';
import { errorMessage, isTransientError } from './errors.js';
import { reportOffsets, toMessages } from './outgoing-messages.js';

/**
 * An idempotent, `acks=all` producer whose sends run one at a time (order per partition, as the port
 * promises). A chunk the broker refuses for a non-retriable reason is resent record by record so only
 * the bad records come back as failures. After a refused request @platformatic/kafka drops its producer id
 * and sequences itself (its next send initialises a new idempotent producer), which the kafkajs adapter
 * has to do by hand. `send` rejects (`retriable`) only when the cluster is unreachable or not ready.
 *
 * The partition of a keyed record without one is computed here, as the Java client does
 * (`murmur2(key) & 0x7fffffff % partitions`): @platformatic/kafka's default partitioner takes
 * `murmur2(key) >>> 0`, which sends about half the keys to other partitions than Java and kafkajs.
 */
export class PlatformaticRecordProducer implements RecordProducer {
  readonly #producer: Producer;
  readonly #chunkSize: number;
  readonly #maxRecordBytes: number;
  readonly #onAcknowledged: RecordProducerOptions['onAcknowledged'];
  readonly #compression: 'none' | 'gzip';
  readonly #sends = new Mutex();
  readonly #partitionCounts = new Map<string, number>();

  constructor(options: BaseOptions, producerOptions: RecordProducerOptions = {}) {
    this.#chunkSize = producerOptions.chunkSize ?? 1000;
    this.#maxRecordBytes = producerOptions.maxRecordBytes ?? 1_000_000;
    this.#onAcknowledged = producerOptions.onAcknowledged;
    this.#compression = producerOptions.compression ?? 'none';
    this.#producer = new Producer({ ...options, idempotent: true, acks: -1 });
  }

  async connect(): Promise<void> {
    // The client connects on its first request; a metadata request names an unreachable cluster now.
    try {
      await this.#producer.metadata({ topics: [] });
    } catch (error) {
      throw wrap(error, 0);
    }
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.#producer.close();
  }

  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    return this.#sends.runExclusive(() => this.#sendAll(records));
  }

  async flush(): Promise<void> {
    await this.#sends.settled();
  }

  sendOne(record: OutgoingRecord): Promise<ProducedRecord> {
    return this.#sends.runExclusive(async () => {
      try {
        const [message] = await toMessages(this.#producer, this.#partitionCounts, [record]);
        const result = await this.#producer.send({ messages: [message!], ...this.#sendOptions() });
        const written = result.offsets?.[0];
        return {
          partition: written?.partition ?? message!.partition ?? 0,
          offset: String(written?.offset ?? 0n),
        };
      } catch (error) {
        throw wrap(error, 1);
      }
    });
  }

  async #sendAll(all: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    const { fits: records, failures } = refuseOversized(all, this.#maxRecordBytes);
    for (const chunk of chunksOf(records, this.#chunkSize)) {
      try {
        await this.#sendChunk(chunk);
      } catch (error) {
        if (isTransientError(error)) throw wrap(error, chunk.length);
        // Isolate the refused records; partitions of the failed request the broker accepted are written
        // twice (at-least-once allows it; the size check above keeps the common refusal from coming here).
        for (const record of chunk) {
          try {
            await this.#sendChunk([record]);
          } catch (single) {
            if (isTransientError(single)) throw wrap(single, 1);
            failures.push({ record, error: wrap(single, 1) });
          }
        }
      }
    }
    return failures;
  }

  async #sendChunk(chunk: ReadonlyArray<OutgoingRecord>): Promise<void> {
    const messages = await toMessages(this.#producer, this.#partitionCounts, chunk);
    const result = await this.#producer.send({ messages, ...this.#sendOptions() });
    if (this.#onAcknowledged !== undefined) reportOffsets(chunk, result, this.#onAcknowledged);
  }

  #sendOptions() {
    return {
      acks: -1,
      ...(this.#compression === 'gzip' ? { compression: CompressionAlgorithms.GZIP } : {}),
    } as const;
  }
}

function wrap(error: unknown, count: number): KafkaFacadeError {
  const retriable = isTransientError(error);
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_PRODUCE',
    `Producing ${count} record(s) failed: ${errorMessage(error)}. ` +
      (retriable
        ? 'The cluster was unreachable or not ready (no serving leader); it is retried on restart.'
        : 'The broker refused the record.'),
    { cause: error, retriable },
  );
}
