/**
 * Final results of a KPI window family summed from a finer tumbling family (by default the hourly windows
 * advancing every 5 minutes, from the 5-minute windows): when stream time closes a window (its end plus the
 * grace period), its value is the sum of its parts in the parts' window store, published as the
 * aggregation of that window would have published it (same event, same id). A fact then costs one store
 * update (its 5-minute window) instead of one per hourly window that contains it (12), and no suppression
 * buffer holds the hourly windows.
 *
 * Late facts: a fact counts in a summed window exactly when it reached its part (its 5-minute window)
 * within the grace period, so it counts in all the hourly windows that contain it or in none; each part
 * closes no later than the hourly windows it belongs to, so an hourly window is never published before one
 * of its parts could still change.
 *
 * The processor sits on the facts stream before the parts' aggregation, so it closes windows before the
 * fact that moves stream time is stored (a put can expire the oldest parts; see {@link partsRetentionMs}),
 * and on a stream-time punctuator for the other records that move stream time. The end of the last
 * window it published is kept in a small logged store (`kpis-<name>-closed`), so a restarted task neither
 * skips nor repeats a window.
 */
import type { BookingKpis } from '../../schemas/generated/types.js';
import type { KeyValueStore, ReadOnlyWindowStore, WindowStore } from '../../state/store.js';
import { Stores } from '../../state/stores.js';
import type { KStream } from '../../topology/kstream.js';
import { Named } from '../../topology/named.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import { NO_HEADERS } from '../../topology/record.js';
import { Serdes } from '../../topology/serdes/index.js';
import { type KpiTotals, mergeKpis } from '../domain/kpis.js';
import type { KpiFact } from './booking-kpis.js';
import type { KpiWindowSpec, ResolvedConfig } from './config.js';
import { kpiEvent, kpiStoreName } from './kpi-event.js';

/** The store holding the end of the last window a summed family published. */
export function closedStoreName(spec: KpiWindowSpec): string {
  return `${kpiStoreName(spec)}-closed`;
}

/** The store builder of {@link closedStoreName} (cached: it changes at most once per advance of event time). */
export function closedStoreBuilder(spec: KpiWindowSpec, persistent: boolean) {
  const name = closedStoreName(spec);
  return Stores.keyValueStoreBuilder(
    persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
    Serdes.string(),
    Serdes.sortableNumber(),
  ).withCachingEnabled();
}

/**
 * How long the parts' store keeps a window: as long as the longest family summed from it plus the grace,
 * so every part of a window is there when it closes, and as long again, so the API still sums a closed
 * window whole while its final result is on its way to Postgres.
 */
export function partsRetentionMs(parts: KpiWindowSpec, config: ResolvedConfig): number {
  const summed = config.kpiWindows.filter((spec) => spec.sumOf === parts.name).map((spec) => spec.sizeMs);
  return Math.max(parts.sizeMs, ...summed.map((size) => 2 * size)) + config.kpiGraceMs;
}

/**
 * The final results of `spec`, summed from the family `parts`, as `analytics.booking-kpis` events. Call it
 * before the parts' aggregation is added to `facts` (see above).
 */
export function rolledUpKpiFinals(
  facts: KStream<string, KpiFact>,
  spec: KpiWindowSpec,
  parts: KpiWindowSpec,
  config: ResolvedConfig,
): KStream<string, BookingKpis> {
  return facts.process<string, BookingKpis>(
    () => new RolledUpFinals(spec, parts, config),
    Named.as(`${kpiStoreName(spec)}-final`),
    kpiStoreName(parts),
    closedStoreName(spec),
  );
}

class RolledUpFinals implements Processor<string, KpiFact, string, BookingKpis> {
  #context!: ProcessorContext<string, BookingKpis>;
  #parts!: ReadOnlyWindowStore<string, KpiTotals>;
  #closed!: KeyValueStore<string, number>;
  /** End of the last window published; read from the store on first use. */
  #closedEnd: number | undefined;

  constructor(
    private readonly spec: KpiWindowSpec,
    private readonly partsSpec: KpiWindowSpec,
    private readonly config: ResolvedConfig,
  ) {}

  init(context: ProcessorContext<string, BookingKpis>): void {
    this.#context = context;
    this.#parts = context.getStateStore<WindowStore<string, KpiTotals>>(kpiStoreName(this.partsSpec));
    this.#closed = context.getStateStore<KeyValueStore<string, number>>(closedStoreName(this.spec));
    context.schedule(1, 'STREAM_TIME', () => this.#closeDue());
  }

  process(): void {
    this.#closeDue();
  }

  /** Publishes every window that stream time has closed since the last one published. */
  #closeDue(): void {
    const { advanceMs, sizeMs } = this.spec;
    const streamTime = this.#context.currentStreamTimeMs();
    if (streamTime < 0) return;
    // The latest window end that is closed: end + grace <= stream time.
    const closable = Math.floor((streamTime - this.config.kpiGraceMs) / advanceMs) * advanceMs;
    if (this.#closedEnd === undefined) {
      const stored = this.#closed.get(this.spec.name);
      // A task that never published: windows closed before its first record hold no fact of it. Kept at
      // once, so a restart before the first window closes does not skip the windows of its facts.
      if (stored === undefined) this.#closed.put(this.spec.name, closable);
      this.#closedEnd = stored ?? closable;
    }
    const done = this.#closedEnd;
    if (closable <= done) return;
    // Every part of a window ending in (done, closable], in one read; then each window's sum by key.
    const partSize = this.partsSpec.sizeMs;
    const byEnd = new Map<number, Map<string, KpiTotals>>();
    const iterator = this.#parts.fetchAll(done + advanceMs - sizeMs, closable - partSize);
    try {
      for (const { key, value } of iterator) {
        const start = key.window.start;
        // The windows containing this part end in [start + part size, start + size], at multiples of the advance.
        const first = Math.max(done + advanceMs, Math.ceil((start + partSize) / advanceMs) * advanceMs);
        for (let end = first; end <= Math.min(closable, start + sizeMs); end += advanceMs) {
          let sums = byEnd.get(end);
          if (sums === undefined) {
            sums = new Map();
            byEnd.set(end, sums);
          }
          const total = sums.get(key.key);
          sums.set(key.key, total === undefined ? value : mergeKpis(total, value));
        }
      }
    } finally {
      iterator.close();
    }
    for (const end of [...byEnd.keys()].sort((a, b) => a - b)) {
      const sums = byEnd.get(end)!;
      for (const propertyId of [...sums.keys()].sort()) {
        const window = { start: end - sizeMs, end };
        this.#context.forward({
          key: propertyId,
          value: kpiEvent(this.config, this.spec, { key: propertyId, window }, sums.get(propertyId)!),
          timestamp: end - 1,
          headers: NO_HEADERS,
        });
      }
    }
    this.#closedEnd = closable;
    this.#closed.put(this.spec.name, closable);
  }
}
