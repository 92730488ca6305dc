/**
 * What a windowed table knows about its windows, for `suppress(untilWindowCloses(...))`: when a window is
 * final. Kept beside the table (keyed by the table object) so that `KTable` itself needs no window field.
 */

/** When the windows of a windowed table close, by stream time. */
export interface WindowClosing {
  /** How long after a window's end it still changes: the grace (plus the inactivity gap for sessions). */
  readonly closeDelayMs: number;
  /** True when windows include their end (sliding and session windows); false for `[start, end)`. */
  readonly inclusiveEnd: boolean;
}

const closings = new WeakMap<object, WindowClosing>();

/** Records how `table`'s windows close; called by the windowed aggregations that create it. */
export function markWindowed<T extends object>(table: T, closing: WindowClosing): T {
  closings.set(table, closing);
  return table;
}

/** How `table`'s windows close, or `undefined` when it is not a windowed aggregation's table. */
export function windowClosingOf(table: object): WindowClosing | undefined {
  return closings.get(table);
}

/** The first stream time at which the window ending at `end` is closed (no record can change it). */
export function closesAt(closing: WindowClosing, end: number): number {
  return end + closing.closeDelayMs + (closing.inclusiveEnd ? 1 : 0);
}

/** Gives `derived` the window closing of `parent`, if it has one (a table derived row by row). */
export function inheritWindowClosing<T extends object>(parent: object, derived: T): T {
  const closing = closings.get(parent);
  if (closing !== undefined) closings.set(derived, closing);
  return derived;
}
