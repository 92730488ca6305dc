/**
 * One open dashboard (`GET /dashboard/events`): a server-sent event stream that sends each panel's
 * snapshot when it differs from the last one sent. Property panels (occupancy, rates, KPIs) are read again at
 * once when a change is signalled (a reservation decided anywhere in the application: the decision feed
 * sees every instance's decisions) and otherwise every {@link PROPERTY_REFRESH_MS}; the pipeline every
 * second; dead letters on open, after a replay, and every {@link DLQ_REFRESH_MS}. Slow reads never pile
 * up: a panel is read again only after its previous read finished.
 */
import type { ServerResponse } from 'node:http';
import type { DashboardEvents } from './dashboard-events.js';

/** Fallback refresh of the property panels (changes without a decision: rate updates, expiries). */
export const PROPERTY_REFRESH_MS = 5_000;
/** Refresh of the pipeline panel. */
export const PIPELINE_REFRESH_MS = 1_000;
/** Fallback refresh of the dead letters (new dead letters are not signalled). */
export const DLQ_REFRESH_MS = 10_000;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

/** How a stream reads its panels. */
export interface PanelReaders {
  readonly occupancy: () => Promise<DashboardEvents['occupancy']>;
  readonly rates: () => Promise<DashboardEvents['rates']>;
  readonly kpis: () => Promise<DashboardEvents['kpis']>;
  readonly pipeline: () => Promise<DashboardEvents['pipeline']>;
  readonly dlq: () => Promise<DashboardEvents['dlq']>;
}

type Panel = keyof DashboardEvents;

/** A panel's refresh: at most one read in flight, and one more queued when asked meanwhile. */
class Refresh {
  #running = false;
  #again = false;

  constructor(readonly run: () => Promise<void>) {}

  request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.run()
      .catch(() => undefined)
      .finally(() => {
        this.#running = false;
        if (this.#again) {
          this.#again = false;
          this.request();
        }
      });
  }
}

/** An open event stream; see the file comment. */
export class LiveStream {
  readonly #out: ServerResponse;
  readonly #sent = new Map<Panel, string>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #property: Refresh;
  readonly #pipeline: Refresh;
  readonly #dlq: Refresh;
  #closed = false;

  constructor(out: ServerResponse, readers: PanelReaders) {
    this.#out = out;
    this.#property = new Refresh(async () => {
      // The heat map first and alone: it is what a booking changes, and on a busy machine three forwarded
      // reads at once would each wait for the others.
      this.#send('occupancy', await readers.occupancy());
      const [rates, kpis] = await Promise.all([readers.rates(), readers.kpis()]);
      this.#send('rates', rates);
      this.#send('kpis', kpis);
    });
    this.#pipeline = new Refresh(async () => this.#send('pipeline', await readers.pipeline()));
    this.#dlq = new Refresh(async () => this.#send('dlq', await readers.dlq()));
  }

  /** Writes the headers and starts the refreshes. */
  start(): void {
    this.#out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.#out.write('retry: 2000\n\n');
    this.#every(PROPERTY_REFRESH_MS, () => this.#property.request());
    this.#every(PIPELINE_REFRESH_MS, () => this.#pipeline.request());
    this.#every(DLQ_REFRESH_MS, () => this.#dlq.request());
    this.#every(KEEP_ALIVE_MS, () => this.#out.write(': keep-alive\n\n'));
    this.#property.request();
    this.#pipeline.request();
    this.#dlq.request();
  }

  /** Something the property panels show may have changed. */
  propertyChanged(): void {
    this.#property.request();
  }

  /** Dead letters were replayed. */
  deadLettersChanged(): void {
    this.#dlq.request();
  }

  /** Stops the refreshes and ends the response; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    if (!this.#out.writableEnded) this.#out.end();
  }

  #every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #send<P extends Panel>(panel: P, data: DashboardEvents[P]): void {
    if (this.#closed) return;
    const json = JSON.stringify(data);
    if (this.#sent.get(panel) === json) return;
    this.#sent.set(panel, json);
    this.#out.write(`event: ${panel}\ndata: ${json}\n\n`);
  }
}
