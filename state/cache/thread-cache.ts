/**
 * The instance-wide record cache budget (Kafka Streams' `statestore.cache.max.bytes`, shared by every
 * cached store of the instance). Kafka Streams divides it among stream threads, each thread's cache
 * shared by its tasks; here it is divided evenly among the instance's tasks that have a caching store
 * (a `StreamTask` with none asks for no share), each with its own
 * {@link TaskCache}, and re-divided whenever a task is added or removed. A task that finds itself over
 * its new, smaller share evicts at its next write, inside its own processing: never another task's
 * entries, never outside a task's transaction.
 */
import type { CacheStatistics } from '../metrics.js';
import { TaskCache } from './task-cache.js';

/** Default instance-wide budget: 10 MiB, Kafka Streams' `statestore.cache.max.bytes` default. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/** Totals of an instance's record cache, for metrics. */
export interface RecordCacheStatistics extends CacheStatistics {
  /** Tasks sharing the budget. */
  readonly tasks: number;
  /** Hits over hits plus misses since the instance started; 0 before the first read. */
  readonly hitRatio: number;
}

/** The record cache budget of one instance (see the file comment). */
export class ThreadCache {
  private readonly tasks = new Set<TaskCache>();
  /** Counters of removed tasks, so that instance totals never go down. */
  private retired = { hits: 0, misses: 0, evictions: 0 };

  /** @param maxBytes the instance's budget; 0 disables caching (every write goes below at once). */
  constructor(readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES) {}

  /** A new task's cache; every task's share shrinks to `maxBytes / tasks`. */
  addTask(taskId: string): TaskCache {
    const cache = new TaskCache(taskId, 0);
    this.tasks.add(cache);
    this.resize();
    return cache;
  }

  /** Removes a task's cache (its task closed); the others' shares grow. */
  removeTask(cache: TaskCache): void {
    if (!this.tasks.delete(cache)) return;
    const stats = cache.statistics();
    this.retired = {
      hits: this.retired.hits + stats.hits,
      misses: this.retired.misses + stats.misses,
      evictions: this.retired.evictions + stats.evictions,
    };
    this.resize();
  }

  /** Totals over the instance's tasks, read at scrape time. */
  statistics(): RecordCacheStatistics {
    let { hits, misses, evictions } = this.retired;
    let entries = 0;
    let sizeBytes = 0;
    for (const cache of this.tasks) {
      const stats = cache.statistics();
      hits += stats.hits;
      misses += stats.misses;
      evictions += stats.evictions;
      entries += stats.entries;
      sizeBytes += stats.sizeBytes;
    }
    return {
      hits,
      misses,
      evictions,
      entries,
      sizeBytes,
      maxBytes: this.maxBytes,
      tasks: this.tasks.size,
      hitRatio: hits + misses === 0 ? 0 : hits / (hits + misses),
    };
  }

  private resize(): void {
    const share = this.tasks.size === 0 ? this.maxBytes : Math.floor(this.maxBytes / this.tasks.size);
    for (const cache of this.tasks) cache.maxBytes = share;
  }
}
