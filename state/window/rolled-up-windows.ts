/**
 * Coarse windows read from a store of fine tumbling windows: each window of `sizeMs` starting at a multiple
 * of `advanceMs` is the combination of the stored windows it covers. An application that keeps one fine
 * window store (one store update per record) answers hopping windows from it this way, instead of
 * aggregating every hopping window (one update per window a record falls in, `sizeMs / advanceMs` of them).
 * It works for aggregates that combine (sums, counts, minima), not for those that must see the records.
 */
import type { KeyValue, ReadOnlyWindowStore } from '../store.js';

/** The shape of a roll-up: fine tumbling windows of `partSizeMs` that tile windows of `sizeMs` every `advanceMs`. */
export interface RollUp {
  readonly partSizeMs: number;
  readonly sizeMs: number;
  readonly advanceMs: number;
}

/** Throws unless the parts tile the windows: the part size must divide both the window size and the advance. */
export function validateRollUp(rollUp: RollUp): RollUp {
  const { partSizeMs, sizeMs, advanceMs } = rollUp;
  const positive = [partSizeMs, sizeMs, advanceMs].every((n) => Number.isSafeInteger(n) && n > 0);
  if (!positive || sizeMs % partSizeMs !== 0 || advanceMs % partSizeMs !== 0 || advanceMs > sizeMs) {
    throw new RangeError(
      `windows of ${sizeMs} ms advancing by ${advanceMs} ms cannot be rolled up from tumbling windows of ${partSizeMs} ms: the part size must divide the size and the advance, and the advance must not exceed the size`,
    );
  }
  return rollUp;
}

/**
 * The windows of `key` starting in `[timeFrom, timeTo]` (at multiples of the advance), oldest first, each
 * the `combine` of the parts of `store` it covers; a window with no stored part is left out. Reads the
 * parts once (one range fetch).
 */
export function fetchRolledUp<K, V, A>(
  store: ReadOnlyWindowStore<K, V>,
  key: K,
  rollUp: RollUp,
  timeFrom: number,
  timeTo: number,
  combine: (total: A | undefined, part: V) => A,
): Array<KeyValue<number, A>> {
  const { partSizeMs, sizeMs, advanceMs } = validateRollUp(rollUp);
  const first = Math.ceil(Math.max(0, timeFrom) / advanceMs) * advanceMs;
  if (first > timeTo) return [];
  const parts: Array<KeyValue<number, V>> = [];
  const iterator = store.fetchRange(key, first, timeTo + sizeMs - partSizeMs);
  try {
    for (const part of iterator) parts.push(part);
  } finally {
    iterator.close();
  }
  const windows: Array<KeyValue<number, A>> = [];
  let from = 0; // index of the first part not before the window's start
  for (let start = first; start <= timeTo; start += advanceMs) {
    while (from < parts.length && parts[from]!.key < start) from++;
    let total: A | undefined;
    for (let i = from; i < parts.length && parts[i]!.key < start + sizeMs; i++) {
      total = combine(total, parts[i]!.value);
    }
    if (total !== undefined) windows.push({ key: start, value: total });
  }
  return windows;
}
