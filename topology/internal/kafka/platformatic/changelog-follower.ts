/**
 * The port's {@link ChangelogFollower} (standbys, global stores) with manual assignment: one fetcher reads
 * the followed partitions from the caller's positions, in a loop, until it is stopped or restarted over
 * other partitions. No group: a restart only changes the positions it fetches (the kafkajs adapter joins a
 * new throw-away group each time).
 */
import type { BaseOptions } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { ChangelogFollower, ChangelogFollowerOptions, FollowRange } from '../changelog-follower.js';
import { errorMessage } from './errors.js';
import { PartitionFetcher } from './partition-fetcher.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Backoff after a failed fetch or a throwing `onBatch`, before fetching again from the positions. */
const RESTART_BACKOFF_MS = 1_000;

export class PlatformaticChangelogFollower implements ChangelogFollower {
  readonly #base: BaseOptions;
  readonly #options: ChangelogFollowerOptions;
  readonly #logger: Logger | undefined;
  readonly #positions = new Map<string, { topic: string; partition: number; offset: number }>();
  #fetcher: PartitionFetcher | undefined;
  /** The loop under way; a new start or a stop ends it by bumping `#generation`. */
  #loop: Promise<void> | undefined;
  #generation = 0;
  readonly #dropped = 0;

  constructor(base: BaseOptions, options: ChangelogFollowerOptions) {
    this.#base = base;
    this.#options = options;
    this.#logger = options.logger;
  }

  /**
   * Always 0: every fetch starts at the partition's position, so nothing before it is read again. The
   * records of a batch's start before the fetch offset (the broker sends whole batches) are left out by
   * the fetcher and not counted, as kafkajs leaves them out before its adapter sees them.
   */
  get droppedRecords(): number {
    return this.#dropped;
  }

  /** No group is joined: always undefined. */
  get groupId(): string | undefined {
    return undefined;
  }

  position(topic: string, partition: number): number | undefined {
    return this.#positions.get(key(topic, partition))?.offset;
  }

  async start(ranges: ReadonlyArray<FollowRange>): Promise<void> {
    await this.stop();
    this.#positions.clear();
    for (const range of ranges)
      this.#positions.set(key(range.topic, range.partition), { ...range, offset: range.startOffset });
    if (ranges.length === 0) return;
    this.#fetcher = new PartitionFetcher(this.#base, this.#options.groupId, {
      readCommitted: this.#options.readCommitted ?? true,
      maxBytesPerPartition: this.#options.maxBytesPerPartition ?? 1024 * 1024,
    });
    const generation = ++this.#generation;
    let started!: (error?: unknown) => void;
    const first = new Promise<void>((resolve, reject) => {
      started = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.#loop = this.#run(generation, this.#fetcher, started);
    return first;
  }

  async stop(): Promise<void> {
    this.#generation++;
    const loop = this.#loop;
    const fetcher = this.#fetcher;
    this.#loop = undefined;
    this.#fetcher = undefined;
    await loop;
    await fetcher?.close();
  }

  async #run(
    generation: number,
    fetcher: PartitionFetcher,
    started: (error?: unknown) => void,
  ): Promise<void> {
    let announced = false;
    while (generation === this.#generation) {
      try {
        const fetched = await fetcher.fetch([...this.#positions.values()]);
        if (!announced) {
          announced = true;
          started();
        }
        for (const part of fetched) {
          if (generation !== this.#generation) return;
          const position = this.#positions.get(key(part.topic, part.partition));
          if (position === undefined) continue;
          if (part.records.length > 0)
            await this.#options.onBatch({
              topic: part.topic,
              partition: part.partition,
              records: part.records,
              highWatermark: part.highWatermark,
            });
          position.offset = part.nextOffset;
        }
      } catch (error) {
        if (!announced) {
          announced = true;
          started(error);
        }
        if (generation !== this.#generation) return;
        this.#logger?.warn(
          `changelog follower ${this.#options.groupId}: ${errorMessage(error)}; fetching again from its positions in ${RESTART_BACKOFF_MS} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, RESTART_BACKOFF_MS));
      }
    }
  }
}
