/**
 * The runtime's output pipeline: tasks hand records over synchronously, the sender ships them through the
 * producer of the client port (one request at a time, chunks of ~1,000) while the loop keeps processing, and a commit
 * waits for everything sent so far to be acknowledged. Sends are self-clocking: while one is in flight the
 * next records accumulate, and they leave together when it returns.
 */
import type { SendFailure } from '../internal/kafka/producer.js';
import type { OutgoingRecord } from '../internal/kafka/types.js';
import { RuntimeError } from './errors.js';
import type { StreamsEventEmitter } from './events.js';

/** The input record a task was processing when it produced an output. */
export interface SourceCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** An output record and where it came from (for metrics and production error handling). */
export interface PendingRecord extends OutgoingRecord {
  readonly taskId: string;
  readonly source: SourceCoordinates | undefined;
}

/** Decides about one refused record; may send a dead-letter copy through `resend`. */
export type SendFailureHandler = (
  failure: SendFailure & { readonly pending: PendingRecord },
  resend: (record: OutgoingRecord) => void,
) => 'continue' | 'fail';

/** What the sender needs from a producer: ordered sends that report refused records (`RecordProducer`). */
export interface RecordSink {
  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]>;
}

export class RecordSender {
  readonly #producer: RecordSink;
  readonly #chunkSize: number;
  readonly #onFailure: SendFailureHandler;
  readonly #events: StreamsEventEmitter;
  readonly #onFatal: (error: Error) => void;
  #pending: PendingRecord[] = [];
  #inFlightRecords = 0;
  readonly #inFlight = new Set<Promise<void>>();
  #fatal: Error | undefined;
  #drainWaiters: Array<() => void> = [];

  constructor(
    producer: RecordSink,
    options: {
      chunkSize: number;
      onFailure: SendFailureHandler;
      events: StreamsEventEmitter;
      /** Told at once about the first unrecoverable failure, so the thread stops without waiting for a commit. */
      onFatal: (error: Error) => void;
    },
  ) {
    this.#onFatal = options.onFatal;
    this.#producer = producer;
    this.#chunkSize = options.chunkSize;
    this.#onFailure = options.onFailure;
    this.#events = options.events;
  }

  /** Queues a record; nothing is sent until {@link RecordSender.dispatch} or a flush. */
  add(record: PendingRecord): void {
    this.#pending.push(record);
  }

  /** Records queued or in flight: the back-pressure measure. */
  get buffered(): number {
    return this.#pending.length + this.#inFlightRecords;
  }

  /** The first unrecoverable send failure, if any; the thread fails with it at its next commit. */
  get fatalError(): Error | undefined {
    return this.#fatal;
  }

  /** Starts a send if the producer is idle or a full chunk is waiting; never awaits. */
  dispatch(): void {
    if (this.#pending.length === 0) return;
    if (this.#inFlight.size > 0 && this.#pending.length < this.#chunkSize) return;
    this.#sendPending();
  }

  /** Sends everything queued and waits until every record is acknowledged; throws the first fatal error. */
  async flush(): Promise<void> {
    if (this.#pending.length > 0) this.#sendPending();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    if (this.#fatal !== undefined) throw this.#fatal;
  }

  /** Waits until at most `limit` records are buffered (back-pressure). */
  async waitUntilBelow(limit: number): Promise<void> {
    if (this.#pending.length > 0 && this.#inFlight.size === 0) this.#sendPending();
    while (this.buffered > limit && this.#inFlight.size > 0) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
  }

  /** Drops queued records without sending them (a task closed without committing). */
  discard(taskId?: string): void {
    this.#pending = taskId === undefined ? [] : this.#pending.filter((record) => record.taskId !== taskId);
  }

  #setFatal(error: Error): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = error;
    this.#onFatal(error);
  }

  #sendPending(): void {
    const records = this.#pending;
    this.#pending = [];
    this.#inFlightRecords += records.length;
    const sending: Promise<void> = this.#producer
      .send(records)
      .then((failures) => this.#afterSend(records, failures))
      .catch((error: unknown) => {
        this.#setFatal(
          new RuntimeError(
            'STRM_ERR_RUNTIME_PRODUCTION',
            `Producing ${records.length} output record(s) failed: ${(error as Error).message}`,
            { cause: error, retriable: (error as { retriable?: boolean }).retriable === true },
          ),
        );
      })
      .finally(() => {
        this.#inFlight.delete(sending);
        this.#inFlightRecords -= records.length;
        const waiters = this.#drainWaiters;
        this.#drainWaiters = [];
        for (const wake of waiters) wake();
        if (this.#pending.length > 0 && this.#fatal === undefined) this.#sendPending();
      });
    this.#inFlight.add(sending);
  }

  async #afterSend(
    records: ReadonlyArray<PendingRecord>,
    failures: ReadonlyArray<SendFailure>,
  ): Promise<void> {
    const failed = new Set<OutgoingRecord>();
    const resends: OutgoingRecord[] = [];
    for (const failure of failures) {
      failed.add(failure.record);
      const decision = this.#onFailure({ ...failure, pending: failure.record as PendingRecord }, (record) =>
        resends.push(record),
      );
      if (decision === 'fail') {
        this.#setFatal(
          new RuntimeError(
            'STRM_ERR_RUNTIME_PRODUCTION',
            `The broker refused an output record for topic "${failure.record.topic}": ${failure.error.message}; fix the record or configure productionExceptionHandler: 'logAndContinue' or 'deadLetter'`,
            { cause: failure.error },
          ),
        );
      }
    }
    if (resends.length > 0) {
      const resendFailures = await this.#producer.send(resends);
      if (resendFailures.length > 0) {
        this.#setFatal(
          new RuntimeError(
            'STRM_ERR_RUNTIME_PRODUCTION',
            `Dead-lettering ${resendFailures.length} record(s) failed too: ${resendFailures[0]!.error.message}; check that the .dlq topics exist`,
            { cause: resendFailures[0]!.error },
          ),
        );
      }
    }
    const perTask = new Map<string, number>();
    for (const record of records) {
      if (!failed.has(record)) perTask.set(record.taskId, (perTask.get(record.taskId) ?? 0) + 1);
    }
    for (const [taskId, count] of perTask) this.#events.emit('recordsProduced', { taskId, count });
  }
}
