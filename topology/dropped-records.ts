/**
 * The dropped-records hook: windowed aggregations and suppression drop records that arrive after their
 * window closed (older than the window's end plus its grace period, by stream time), as Kafka Streams
 * does. Each drop is reported to the listener configured on the `StreamsBuilder`, so that it can be
 * counted (a metric), logged, or asserted in a test.
 */
import type { TimeWindow } from '../state/store.js';
import type { RecordMetadata } from './record.js';

/** Why a record was dropped. */
export type DroppedRecordReason =
  /** The window (or session) the record belongs to had closed: stream time passed its end plus the grace. */
  | 'window-closed'
  /** The record had a null key or value, so it belongs to no group. */
  | 'null-key-or-value';

/** One dropped record (for a hopping window, one report per closed window the record fell in). */
export interface DroppedRecord {
  readonly reason: DroppedRecordReason;
  /** The task that dropped it, e.g. `1_0`. */
  readonly taskId: string;
  /** The processor node that dropped it. */
  readonly processor: string;
  readonly key: unknown;
  /** The record's event time. */
  readonly timestamp: number;
  /** The task's stream time when the record arrived. */
  readonly streamTimeMs: number;
  /** The closed window, for `window-closed`. */
  readonly window?: TimeWindow;
  /** Where the record was read from; undefined when it came from a punctuator. */
  readonly source?: RecordMetadata;
}

/** Called synchronously for every dropped record; keep it cheap (count, or log at debug). */
export type DroppedRecordsListener = (record: DroppedRecord) => void;

/** How many drops {@link countingDroppedRecordsListener} keeps for inspection (the counts are exact). */
const KEPT_RECORDS = 1_000;

/**
 * A listener that counts drops per reason (for a metric, or a test) and keeps the latest 1,000 reports
 * for inspection.
 *
 * @example
 * const dropped = countingDroppedRecordsListener();
 * const builder = new StreamsBuilder({ onDroppedRecord: dropped.listener });
 * // ... after processing:
 * dropped.count('window-closed');
 */
export function countingDroppedRecordsListener(): {
  readonly listener: DroppedRecordsListener;
  /** The latest reports, oldest first. */
  readonly records: DroppedRecord[];
  count(reason?: DroppedRecordReason): number;
} {
  const records: DroppedRecord[] = [];
  const counts = new Map<DroppedRecordReason, number>();
  return {
    listener: (record) => {
      counts.set(record.reason, (counts.get(record.reason) ?? 0) + 1);
      records.push(record);
      if (records.length > KEPT_RECORDS) records.shift();
    },
    records,
    count: (reason) =>
      reason === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(reason) ?? 0),
  };
}
