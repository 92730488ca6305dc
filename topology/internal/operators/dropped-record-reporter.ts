/** Reports records dropped by windowed operators to the builder's listener (see `dropped-records.ts`). */
import type { TimeWindow } from '../../../state/store.js';
import type { DroppedRecordReason, DroppedRecordsListener } from '../../dropped-records.js';
import type { ProcessorContext } from '../../processor.js';
import type { StreamRecord } from '../../record.js';

/** Binds a listener to one operator node; a no-op when no listener is configured. */
export type DropReporter = (
  context: ProcessorContext<unknown, unknown>,
  record: StreamRecord<unknown, unknown>,
  reason: DroppedRecordReason,
  window?: TimeWindow,
) => void;

export function dropReporter(listener: DroppedRecordsListener | undefined, processor: string): DropReporter {
  if (listener === undefined) return () => {};
  return (context, record, reason, window) =>
    listener({
      reason,
      taskId: context.taskId,
      processor,
      key: record.key,
      timestamp: record.timestamp,
      streamTimeMs: context.currentStreamTimeMs(),
      window,
      source: context.recordMetadata(),
    });
}

/** True when a record has no key or no value, so it belongs to no group (and is dropped). */
export function lacksKeyOrValue(record: StreamRecord<unknown, unknown>): boolean {
  return (
    record.key === null || record.key === undefined || record.value === null || record.value === undefined
  );
}
