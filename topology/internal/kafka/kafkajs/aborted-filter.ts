/**
 * Corrects kafkajs 2.2.4's `read_committed` filtering of aborted records, which exactly-once depends on.
 *
 * kafkajs drops a transactional record when its producer has an aborted transaction that started at or
 * before it (the fetch response's aborted-transactions list). Its filter assumes that list is sorted by
 * first offset and activates at most one aborted transaction per record, so on a partition written by
 * several transactional producers (a repartition topic written by every upstream task) records of
 * aborted transactions leak to `read_committed` readers: measured 195 leaked records (counted as input)
 * in 6,291 written, after 4 SIGKILLs. This filter does what the Java client does: every aborted
 * transaction whose first offset is at or before the record is active (sorted first), until its abort
 * marker.
 *
 * kafkajs captures the filter when `consumer/batch.js` is first loaded, so {@link installAbortedFilter}
 * replaces it in the CommonJS module cache before that: `kafkajs-module.ts` calls it and only then loads
 * kafkajs. When the application loaded kafkajs first it is too late, and the adapter refuses the uses that
 * depend on the filter (`STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE`).
 */
import type { createRequire } from 'node:module';

interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly batchContext: { readonly producerId: unknown; readonly inTransaction: boolean };
}

interface AbortedTransaction {
  readonly producerId: unknown;
  readonly firstOffset: string;
}

/** The key of an abort control record (version 0, type 0). */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

function isAbortMarker(message: FetchedMessage): boolean {
  return message.key != null && Buffer.from(message.key).equals(ABORT_MARKER_KEY);
}

/** Keeps the records that are not part of an aborted transaction (control records are kept: kafkajs drops them next). */
export function filterAbortedMessages({
  messages,
  abortedTransactions,
}: {
  messages: FetchedMessage[];
  abortedTransactions?: AbortedTransaction[];
}): FetchedMessage[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = [...abortedTransactions].sort((a, b) =>
    BigInt(a.firstOffset) < BigInt(b.firstOffset)
      ? -1
      : BigInt(a.firstOffset) > BigInt(b.firstOffset)
        ? 1
        : 0,
  );
  const aborted = new Set<string>();
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (pending.length > 0 && offset >= BigInt(pending[0]!.firstOffset))
      aborted.add(String(pending.shift()!.producerId));
    const producerId = String(message.batchContext.producerId);
    if (isAbortMarker(message)) {
      aborted.delete(producerId);
      return true;
    }
    return !(message.batchContext.inTransaction && aborted.has(producerId));
  });
}

/**
 * Marks this filter. The check below looks for the mark, not for this very function: a test runner that
 * evaluates the module again for every test file (vitest) keeps Node's CommonJS cache across them, so
 * kafkajs may hold the filter of an earlier evaluation, which is the same code.
 */
const MARK = Symbol.for('tstreams.kafkajsAbortedFilter');
Object.defineProperty(filterAbortedMessages, MARK, { value: true });

/**
 * Puts {@link filterAbortedMessages} in kafkajs' place in the CommonJS module cache of `require`; true when
 * kafkajs uses it (now or since an earlier evaluation of this module), false when kafkajs was loaded first.
 */
export function installAbortedFilter(require: ReturnType<typeof createRequire>): boolean {
  const filterPath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
  const batchPath = require.resolve('kafkajs/src/consumer/batch.js');
  // Too late once batch.js is loaded: it holds the original function.
  if (require.cache[batchPath] !== undefined)
    return (require.cache[filterPath]?.exports as Record<symbol, unknown> | undefined)?.[MARK] === true;
  require(filterPath);
  const cached = require.cache[filterPath];
  if (cached === undefined) return false;
  cached.exports = filterAbortedMessages;
  return true;
}
