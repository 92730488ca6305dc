/**
 * An ordered set of string keys kept as a list of sorted chunks (each at most a few thousand keys, found
 * by binary search over the chunks' last keys). Inserting or removing costs a search plus a splice inside
 * one chunk, so a million random inserts stay cheap, where one flat sorted array would move half of
 * itself on every insert.
 */

/** Keys per chunk after a split; a chunk splits when it holds twice as many. */
const CHUNK_LOAD = 1024;

/** The index of the first element of `sorted` that is `>= key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sorted set of strings with range reads. */
export class SortedKeyList {
  private chunks: string[][] = [];
  /** The last (largest) key of each chunk. */
  private maxes: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a key that is not in the set. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.maxes.push(key);
      this.count = 1;
      return;
    }
    const c = Math.min(lowerBound(this.maxes, key), this.chunks.length - 1);
    const chunk = this.chunks[c] as string[];
    chunk.splice(lowerBound(chunk, key), 0, key);
    this.maxes[c] = chunk[chunk.length - 1] as string;
    this.count++;
    if (chunk.length > 2 * CHUNK_LOAD) {
      const upper = chunk.splice(CHUNK_LOAD);
      this.chunks.splice(c + 1, 0, upper);
      this.maxes.splice(c, 1, chunk[chunk.length - 1] as string, upper[upper.length - 1] as string);
    }
  }

  /** Removes a key if present. */
  remove(key: string): void {
    const c = lowerBound(this.maxes, key);
    const chunk = this.chunks[c];
    if (chunk === undefined) return;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.maxes.splice(c, 1);
    } else {
      this.maxes[c] = chunk[chunk.length - 1] as string;
    }
  }

  /**
   * The keys `>= from` (or all) and up to `to` (inclusive unless `toExclusive`), in order; a copy, so the
   * caller may change the set while it walks the result.
   */
  range(from?: string, to?: string, toExclusive = false): string[] {
    const result: string[] = [];
    let c = from === undefined ? 0 : lowerBound(this.maxes, from);
    let i = from === undefined ? 0 : lowerBound(this.chunks[c] ?? [], from);
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c] as string[];
      for (; i < chunk.length; i++) {
        const key = chunk[i] as string;
        if (to !== undefined && (toExclusive ? key >= to : key > to)) return result;
        result.push(key);
      }
    }
    return result;
  }

  clear(): void {
    this.chunks = [];
    this.maxes = [];
    this.count = 0;
  }
}
