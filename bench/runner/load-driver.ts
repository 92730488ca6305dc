/**
 * Drives workload operations straight onto the pipeline's input topics at a target rate (or as fast as
 * the producer goes), encoded with the pipeline's Avro serdes and partitioned by property like the API's
 * publisher. Each record's timestamp (and `occurredAt`) is the moment it was built: the acceptance time
 * from which end-to-end latency counts. Remembers when each new reservation was accepted.
 */
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { RecordProducer } from '../../topology/internal/kafka/producer.js';
import type { OutgoingRecord } from '../../topology/internal/kafka/types.js';
import type { BookingWorkload } from '../workload/booking-workload.js';
import { toWorkloadRecord } from '../workload/workload-events.js';

const INPUT_TOPICS = ['reservation.created', 'reservation.cancelled', 'reservation.modified'] as const;
/** One produce request per batch: the port's producer cuts larger sends into requests of 1,000 records. */
const MAX_BATCH = 1000;

/** Sends workload records and remembers acceptance times. */
export class LoadDriver {
  readonly #kafka: KafkaClient;
  #producer: RecordProducer;
  readonly #serdes;
  readonly #catalog: PropertyCatalog;
  readonly #workload: BookingWorkload;
  /** Acceptance time of every reservation created, by confirmation number. */
  readonly acceptedAt = new Map<string, number>();
  /** Operations sent per whole second since {@link start}. */
  readonly sentPerSecond: number[] = [];
  sent = 0;
  #startedAt = 0;

  constructor(options: {
    kafka: KafkaClient;
    registry: SchemaRegistryClient;
    catalog: PropertyCatalog;
    workload: BookingWorkload;
  }) {
    this.#kafka = options.kafka;
    this.#producer = this.#newProducer();
    this.#serdes = avroReservationSerdes(options.registry);
    this.#catalog = options.catalog;
    this.#workload = options.workload;
  }

  /** Idempotent, acks=all, one request in flight, keys partitioned by murmur2 (the port's producer). */
  #newProducer(): RecordProducer {
    return this.#kafka.producer();
  }

  /** Connects the producer and prepares the serdes (registers the schemas if needed). */
  async connect(): Promise<void> {
    await this.#producer.connect();
    for (const topic of INPUT_TOPICS) await this.#serdes.value(topic).prepare?.({ topic, isKey: false });
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }

  /** The time series origin: call once, right before the first {@link drive}. */
  start(at = Date.now()): void {
    this.#startedAt = at;
  }

  /**
   * Sends operations at `opsPerSecond` (Infinity: as fast as the producer acknowledges) for `seconds`,
   * or until `total` operations were sent in this call. Catches up after a slow send by sending more.
   */
  async drive(options: {
    opsPerSecond: number;
    seconds: number;
    total?: number;
    onTick?: () => void;
  }): Promise<void> {
    const began = Date.now();
    const end = began + options.seconds * 1000;
    let sentHere = 0;
    for (;;) {
      const now = Date.now();
      if (now >= end || (options.total !== undefined && sentHere >= options.total)) return;
      const due = Number.isFinite(options.opsPerSecond)
        ? Math.floor(((now - began) / 1000) * options.opsPerSecond) - sentHere
        : MAX_BATCH;
      const remaining = options.total === undefined ? Number.POSITIVE_INFINITY : options.total - sentHere;
      const count = Math.min(due, MAX_BATCH, remaining);
      if (count <= 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      await this.#sendBatch(count, now);
      sentHere += count;
      options.onTick?.();
    }
  }

  async #sendBatch(count: number, now: number): Promise<void> {
    const records: OutgoingRecord[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const operation = this.#workload.next();
      const record = toWorkloadRecord(this.#catalog, operation, now);
      const context = { topic: record.topic, isKey: false } as const;
      const value = this.#serdes.value(record.topic).serialize(record.value as never, context);
      records[i] = { topic: record.topic, key: Buffer.from(record.key), value, timestamp: now };
      if (operation.kind === 'create') this.acceptedAt.set(operation.confirmationNumber, now);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const failures = await this.#producer.send(records);
        if (failures.length > 0) throw failures[0]!.error;
        break;
      } catch (error) {
        // Right after topics are recreated a partition may briefly have no leader (the send rejects,
        // retriable). A refused batch leaves the idempotent sequence numbers out of step, so resend with a
        // new producer (the pipeline ignores a duplicate event by its id).
        if (attempt >= 5 || (error as { retriable?: boolean }).retriable === false) throw error;
        await this.#producer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        this.#producer = this.#newProducer();
        await this.#producer.connect();
      }
    }
    this.sent += count;
    const second = Math.floor((now - this.#startedAt) / 1000);
    while (this.sentPerSecond.length <= second) this.sentPerSecond.push(0);
    this.sentPerSecond[second]! += count;
  }
}
