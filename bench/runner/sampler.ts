/**
 * Samples, once a second, what the benchmark reports over time: consumer lag of the pipeline's groups
 * (end offsets minus committed offsets, from the admin API, as an operator's lag exporter sees it) and
 * CPU and RSS of every measured process.
 */
import type { KafkaAdmin } from '../../topology/internal/kafka/admin.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { readProcStat } from './proc-stat.js';

/** A consumer group and the topics whose lag is summed for it. */
export interface LagTarget {
  readonly name: string;
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** A process to measure. */
export interface ProcTarget {
  readonly name: string;
  readonly pid: number;
}

/** One sample. */
export interface Sample {
  /** Seconds since the run's origin. */
  readonly t: number;
  /** Lag per {@link LagTarget} name. */
  readonly lag: Record<string, number>;
  /** CPU use since the previous sample (1.0 = one core) and RSS in MiB, per process name. */
  readonly procs: Record<string, { cpu: number; rssMiB: number }>;
}

/** Samples until stopped. */
export class Sampler {
  readonly #admin: KafkaAdmin;
  readonly #lagTargets: readonly LagTarget[];
  readonly #procs: ProcTarget[] = [];
  readonly #previous = new Map<number, { at: number; cpuSeconds: number }>();
  readonly samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #origin = 0;

  readonly #extraLag: Record<string, () => number>;

  /** `extraLag`: lag series read from elsewhere (e.g. what the instances report), sampled by name. */
  constructor(
    kafka: KafkaClient,
    lagTargets: readonly LagTarget[],
    extraLag: Record<string, () => number> = {},
  ) {
    this.#admin = kafka.admin();
    this.#lagTargets = lagTargets;
    this.#extraLag = extraLag;
  }

  /** Adds a process to measure (from the next sample on). */
  watch(target: ProcTarget): void {
    this.#procs.push(target);
  }

  async start(origin: number): Promise<void> {
    this.#origin = origin;
    await this.#admin.connect();
    this.#timer = setInterval(() => {
      // A slow admin round-trip skips a tick rather than piling requests up.
      if (this.#busy) return;
      this.#busy = true;
      this.#sample()
        .catch(() => undefined)
        .finally(() => {
          this.#busy = false;
        });
    }, 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#admin.disconnect();
  }

  /** Current total lag of one target (for deciding when a run has drained). */
  async lagOf(name: string): Promise<number> {
    const target = this.#lagTargets.find((t) => t.name === name)!;
    return this.#lag(target);
  }

  async #sample(): Promise<void> {
    const at = Date.now();
    const lag: Record<string, number> = {};
    for (const target of this.#lagTargets) lag[target.name] = await this.#lag(target);
    for (const [name, read] of Object.entries(this.#extraLag)) lag[name] = read();
    const procs: Record<string, { cpu: number; rssMiB: number }> = {};
    for (const proc of this.#procs) {
      const reading = readProcStat(proc.pid);
      if (reading === undefined) continue;
      const previous = this.#previous.get(proc.pid);
      this.#previous.set(proc.pid, { at, cpuSeconds: reading.cpuSeconds });
      if (previous === undefined) continue;
      procs[proc.name] = {
        cpu: (reading.cpuSeconds - previous.cpuSeconds) / ((at - previous.at) / 1000),
        rssMiB: reading.rssBytes / 2 ** 20,
      };
    }
    this.samples.push({ t: (at - this.#origin) / 1000, lag, procs });
  }

  async #lag(target: LagTarget): Promise<number> {
    const committed = await this.#admin.committedOffsets(target.groupId, target.topics);
    let total = 0;
    for (const topic of target.topics) {
      const ends = await this.#admin.watermarks(topic);
      for (const end of ends) {
        const offset = committed.find((c) => c.topic === topic && c.partition === end.partition)?.offset;
        // No commit yet: everything since the start of the (fresh) topic is lag.
        total += end.high - (offset ?? end.low);
      }
    }
    return total;
  }
}
