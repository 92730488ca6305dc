/**
 * Cutting the runtime's outgoing records into produce requests, whatever the client: records the broker
 * would refuse as too large are split off first, the rest go in chunks the broker accepts.
 */
import { KafkaFacadeError } from './errors.js';
import type { SendFailure } from './producer.js';
import type { OutgoingRecord } from './types.js';

/** Key, value and header bytes of a record, to refuse one the broker would reject as too large. */
export function recordBytes(record: OutgoingRecord): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  // for...in, not Object.entries: this runs twice per outgoing record (size check, chunking).
  const headers = record.headers;
  if (headers !== undefined) {
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined)
        size += name.length + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
    }
  }
  return size;
}

/**
 * Bytes a chunk's records may add up to: the broker refuses a partition's record batch over
 * `message.max.bytes` (about 1 MiB) as a whole, and kafkajs puts all of a request's records for one
 * partition in one batch. Half of that leaves room for the batch's own overhead.
 */
export const MAX_CHUNK_BYTES = 512 * 1024;

/** What a record adds to a batch beyond its key, value and headers (lengths, deltas, attributes), roughly. */
const RECORD_OVERHEAD_BYTES = 64;

/**
 * Cuts `records` into the chunks a producer sends one request each: at most `maxRecords` records and,
 * unless a single record is larger, at most {@link MAX_CHUNK_BYTES}. Counting records alone let a task
 * catching up on a backlog send 1,000 records of over a kilobyte to one partition in one request, which the
 * broker refused (MESSAGE_TOO_LARGE): under exactly-once the task then aborted and redid the same input, again
 * and again.
 */
export function chunksOf(
  records: ReadonlyArray<OutgoingRecord>,
  maxRecords: number,
  maxBytes = MAX_CHUNK_BYTES,
): Array<ReadonlyArray<OutgoingRecord>> {
  const chunks: Array<ReadonlyArray<OutgoingRecord>> = [];
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < records.length; index++) {
    const size = recordBytes(records[index]!) + RECORD_OVERHEAD_BYTES;
    if (index > start && (index - start >= maxRecords || bytes + size > maxBytes)) {
      chunks.push(records.slice(start, index));
      start = index;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < records.length) chunks.push(start === 0 ? records : records.slice(start));
  return chunks;
}

/**
 * Splits off the records over `maxRecordBytes` (the broker would refuse them, and in a transaction the whole
 * transaction with them) as `STRM_ERR_KAFKA_RECORD_TOO_LARGE` failures. One pass; the common case, where
 * every record fits, returns `records` itself without copying.
 */
export function refuseOversized(
  records: ReadonlyArray<OutgoingRecord>,
  maxRecordBytes: number,
): { fits: ReadonlyArray<OutgoingRecord>; failures: SendFailure[] } {
  const failures: SendFailure[] = [];
  let fits: OutgoingRecord[] | undefined;
  for (const [index, record] of records.entries()) {
    const size = recordBytes(record);
    if (size <= maxRecordBytes) {
      fits?.push(record);
      continue;
    }
    fits ??= records.slice(0, index);
    failures.push({
      record,
      error: new KafkaFacadeError(
        'STRM_ERR_KAFKA_RECORD_TOO_LARGE',
        `A record for topic ${record.topic} has ${size} bytes, more than the ${maxRecordBytes} the broker accepts; make it smaller or raise the topic's max.message.bytes (and maxRecordBytes).`,
      ),
    });
  }
  return { fits: fits ?? records, failures };
}
