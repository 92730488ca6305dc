/**
 * The Processor API: the low-level contract the DSL is built on and that users implement for logic the
 * DSL does not express. A processor receives one record at a time, may read and write the state stores
 * connected to it, forwards records to its children, and may schedule punctuators.
 *
 * Everything here is synchronous: `process()` runs once per record on the hot path and must not await.
 */
import type { StateStore } from '../state/store.js';
import type { RecordMetadata, StreamRecord } from './record.js';

/** Which clock drives a punctuator: event time seen by the task, or the machine's clock. */
export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME';

/** Called by a punctuator with the time (of its clock) at which it fires. */
export type Punctuator = (timestampMs: number) => void;

/** A handle to cancel a scheduled punctuator. */
export interface Cancellable {
  cancel(): void;
}

/** What a processor may do besides processing: forward, read stores, schedule, request commits. */
export interface ProcessorContext<KOut = never, VOut = never> {
  /** The application id (`application.id`), which prefixes internal topic names. */
  readonly applicationId: string;
  /** The task running this processor, e.g. `0_3` (sub-topology 0, partition 3). */
  readonly taskId: string;
  /**
   * Sends a record to every child of this processor, or only to the child named `childName`.
   * The child runs before `forward` returns.
   */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** Topic, partition and offset of the source record being processed; `undefined` inside a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /**
   * A state store connected to this processor (through `addStateStore`, `connectProcessorAndStateStores`,
   * the DSL's `process(..., stores)`) or a global store. Throws a coded error for any other name.
   */
  getStateStore<S extends StateStore>(name: string): S;
  /**
   * Calls `callback` every `intervalMs` of the chosen clock. Stream-time punctuators fire as records
   * advance the task's stream time (at most once per record, aligned to multiples of the interval);
   * wall-clock punctuators fire when the runtime (or the test driver) reports the time has passed.
   */
  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable;
  /** Asks the runtime to commit the task as soon as possible (a request, not a synchronous commit). */
  commit(): void;
  /** The task's stream time: the largest record timestamp it has seen, or -1 before the first record. */
  currentStreamTimeMs(): number;
  /** The wall-clock time as the runtime sees it (mocked by the test driver). */
  currentSystemTimeMs(): number;
}

/**
 * A record processor. `init` is called once before the first record with the processor's context,
 * `process` once per record, `close` when the task closes.
 */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/**
 * Creates a fresh processor for each task. Never return a shared instance: processors hold per-task
 * state (their context, cached store handles).
 */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
