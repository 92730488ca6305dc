/**
 * Iterator building blocks shared by every store and layer. All of them buffer at most one entry so that
 * `peekNextKey()` works everywhere, close the iterator they wrap, and close themselves once exhausted (a
 * fully consumed iterator holds nothing native, so `for (const kv of store.all())` needs no `close()`).
 */

import { StateStoreError } from '../errors.js';
import type { KeyValue, KeyValueIterator } from '../store.js';
import { compareBytes } from './bytes.js';

/** A base class: subclasses implement `fetchNext()` (and `release()` for native resources). */
export abstract class AbstractKeyValueIterator<K, V> implements KeyValueIterator<K, V> {
  private buffered: KeyValue<K, V> | undefined;
  private hasBuffered = false;
  private closed = false;
  private exhausted = false;
  private readonly onClose: (() => void) | undefined;
  /** The store name used in error messages. */
  protected readonly storeName: string;

  constructor(storeName: string, onClose?: () => void) {
    this.storeName = storeName;
    this.onClose = onClose;
  }

  /** The next entry, or `undefined` at the end. */
  protected abstract fetchNext(): KeyValue<K, V> | undefined;

  /** Releases what the iterator holds; called once, by `close()`. */
  protected release(): void {}

  next(): IteratorResult<KeyValue<K, V>> {
    const entry = this.take();
    return entry === undefined ? { done: true, value: undefined } : { done: false, value: entry };
  }

  peekNextKey(): K | undefined {
    if (!this.hasBuffered) {
      this.buffered = this.pull();
      this.hasBuffered = true;
    }
    return this.buffered?.key;
  }

  /** Called by `for...of` when the loop exits early: the iterator is closed. */
  return(): IteratorResult<KeyValue<K, V>> {
    this.close();
    return { done: true, value: undefined };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered = undefined;
    this.hasBuffered = false;
    try {
      this.release();
    } finally {
      this.onClose?.();
    }
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private take(): KeyValue<K, V> | undefined {
    if (this.hasBuffered) {
      const entry = this.buffered;
      this.buffered = undefined;
      this.hasBuffered = false;
      return entry;
    }
    return this.pull();
  }

  private pull(): KeyValue<K, V> | undefined {
    if (this.closed) {
      if (this.exhausted) return undefined;
      throw new StateStoreError(
        'STRM_ERR_STORE_ITERATOR_CLOSED',
        `An iterator over state store "${this.storeName}" was used after close(): read it before closing it`,
      );
    }
    const entry = this.fetchNext();
    if (entry === undefined) {
      this.exhausted = true;
      this.close();
    }
    return entry;
  }
}

/** Iterates over an array that the caller built (a snapshot). */
export class ArrayKeyValueIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  private index = 0;
  constructor(
    storeName: string,
    private readonly entries: ReadonlyArray<KeyValue<K, V>>,
    onClose?: () => void,
  ) {
    super(storeName, onClose);
  }
  protected fetchNext(): KeyValue<K, V> | undefined {
    return this.entries[this.index++];
  }
}

/**
 * Maps each entry of an inner iterator, skipping entries for which `transform` returns `undefined`
 * (deserialization in the metered layers, key-schema decoding and filtering in window/session stores).
 */
export class TransformingIterator<K1, V1, K2, V2> extends AbstractKeyValueIterator<K2, V2> {
  constructor(
    storeName: string,
    private readonly inner: KeyValueIterator<K1, V1>,
    private readonly transform: (entry: KeyValue<K1, V1>) => KeyValue<K2, V2> | undefined,
    onClose?: () => void,
  ) {
    super(storeName, onClose);
  }
  protected fetchNext(): KeyValue<K2, V2> | undefined {
    for (;;) {
      const step = this.inner.next();
      if (step.done) return undefined;
      const mapped = this.transform(step.value);
      if (mapped !== undefined) return mapped;
    }
  }
  protected override release(): void {
    this.inner.close();
  }
}

/**
 * Concatenates iterators opened lazily one after another (the segments of a window or session store,
 * oldest first), so at most one native iterator is open at a time.
 */
export class ConcatenatingIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  private current: KeyValueIterator<K, V> | undefined;
  private nextSource = 0;
  constructor(
    storeName: string,
    private readonly sources: ReadonlyArray<() => KeyValueIterator<K, V>>,
    onClose?: () => void,
  ) {
    super(storeName, onClose);
  }
  protected fetchNext(): KeyValue<K, V> | undefined {
    for (;;) {
      if (this.current === undefined) {
        const open = this.sources[this.nextSource++];
        if (open === undefined) return undefined;
        this.current = open();
      }
      const step = this.current.next();
      if (!step.done) return step.value;
      this.current.close();
      this.current = undefined;
    }
  }
  protected override release(): void {
    this.current?.close();
  }
}

/** A pending write in a cache: a value, or `null` for a deletion not yet written below. */
export interface PendingEntry {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * Merges sorted pending writes (a record cache's dirty entries) over a sorted store iterator: a pending
 * entry replaces the stored one with the same key, and a pending deletion hides it. This is what makes
 * range scans read the writes that the cache has not yet flushed.
 */
export class MergingBytesIterator extends AbstractKeyValueIterator<Buffer, Buffer> {
  private pendingIndex = 0;
  constructor(
    storeName: string,
    private readonly pending: ReadonlyArray<PendingEntry>,
    private readonly stored: KeyValueIterator<Buffer, Buffer>,
    onClose?: () => void,
  ) {
    super(storeName, onClose);
  }
  protected fetchNext(): KeyValue<Buffer, Buffer> | undefined {
    for (;;) {
      const pending = this.pending[this.pendingIndex];
      const storedKey = this.stored.peekNextKey();
      if (pending === undefined && storedKey === undefined) return undefined;
      const order =
        pending === undefined ? 1 : storedKey === undefined ? -1 : compareBytes(pending.key, storedKey);
      if (order > 0) {
        const step = this.stored.next();
        if (!step.done) return step.value;
        continue;
      }
      if (order === 0) this.stored.next();
      this.pendingIndex++;
      if (pending !== undefined && pending.value !== null) return { key: pending.key, value: pending.value };
    }
  }
  protected override release(): void {
    this.stored.close();
  }
}

/**
 * The iterators a store has handed out and not yet seen closed, so that closing the store with an open
 * iterator is reported (a leaked RocksDB iterator pins memory and blocks compaction).
 */
export class OpenIterators {
  private readonly open = new Set<KeyValueIterator<unknown, unknown>>();

  constructor(private readonly storeName: string) {}

  /** Registers an iterator built with the `onClose` callback this returns. */
  track<I extends KeyValueIterator<unknown, unknown>>(build: (onClose: () => void) => I): I {
    let iterator: I | undefined;
    const onClose = (): void => {
      if (iterator !== undefined) this.open.delete(iterator);
    };
    iterator = build(onClose);
    this.open.add(iterator);
    return iterator;
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Closes every iterator still open and, if there were any, returns the error to raise once the store has
   * released its own resources.
   */
  closeAll(): StateStoreError | undefined {
    const leaked = this.open.size;
    if (leaked === 0) return undefined;
    for (const iterator of [...this.open]) iterator.close();
    this.open.clear();
    return new StateStoreError(
      'STRM_ERR_STORE_ITERATOR_LEAK',
      `State store "${this.storeName}" was closed with ${leaked} open iterator(s): close every iterator ` +
        '(call close(), consume it to the end, or declare it with `using`) before the store is closed',
    );
  }
}
