/**
 * The HTTP benchmark's load generator, in a process of its own so that its work does not share an event
 * loop with what it measures. Open loop: operation i is due at `start + i / rate`, whatever the answers
 * before it did, and its latency counts from that due time (a request sent late because the generator
 * fell behind is charged for the wait: no coordinated omission). Operations come from the seeded booking
 * workload: bookings become `POST /reservations` (optionally `?wait=true`), cancellations and
 * modifications act on a booking made earlier in the run through the number the API gave it (skipped,
 * and counted, when that booking has not been answered yet). Instances are used round robin.
 *
 * Configured by the JSON in `BENCH_HTTP` ({@link LoadConfig}); reports a {@link LoadReport} over IPC.
 */
import { loadPropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import { BookingWorkload, type Operation } from '../workload/booking-workload.js';

/** What the runner asks for. */
export interface LoadConfig {
  readonly urls: readonly string[];
  readonly apiKey: string;
  readonly catalogPath: string;
  readonly seed: number;
  /** Operations per minute. */
  readonly ratePerMinute: number;
  readonly durationS: number;
  readonly wait: boolean;
  /** Bookings only, or the workload's mix of bookings, cancellations and modifications. */
  readonly mix: 'bookings' | 'workload';
  /** A request unanswered after this long counts as a timeout. */
  readonly requestTimeoutMs: number;
}

/** Latencies (ms, from the due time) and outcomes of one route. */
export interface RouteReport {
  readonly latenciesMs: number[];
  /** Answers by HTTP status (`timeout` for no answer in time, `error` for a failed connection). */
  readonly statuses: Record<string, number>;
  /** `?wait=true` answers with `decided: false`. */
  undecided: number;
}

/** What the generator measured. */
export interface LoadReport {
  readonly routes: Record<string, RouteReport>;
  readonly sent: number;
  /** Cancellations and modifications of bookings not answered yet. */
  readonly skipped: number;
  /** How far behind its schedule the generator fell at worst (ms). */
  readonly maxScheduleLagMs: number;
  readonly elapsedMs: number;
  readonly cpuMs: number;
}

interface Request {
  readonly route: string;
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly body: unknown;
  /** For a booking: the workload's own number, mapped to the API's when the answer comes. */
  readonly workloadNumber?: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_HTTP ?? '') as LoadConfig;
  const workload = new BookingWorkload({
    seed: config.seed,
    catalog: loadPropertyCatalog(config.catalogPath),
    today: new Date().toISOString().slice(0, 10),
  });
  const numbers = new Map<string, string>();
  const routes: Record<string, RouteReport> = {};
  const route = (name: string) => {
    routes[name] ??= { latenciesMs: [], statuses: {}, undecided: 0 };
    return routes[name]!;
  };
  const total = Math.round((config.ratePerMinute / 60) * config.durationS);
  const intervalMs = 60_000 / config.ratePerMinute;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  let skipped = 0;
  let maxLag = 0;
  const inFlight = new Set<Promise<void>>();

  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const ahead = due - performance.now();
    if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
    maxLag = Math.max(maxLag, performance.now() - due);
    const request = toRequest(workload.next(), numbers, config);
    if (request === undefined) {
      skipped++;
      continue;
    }
    sent++;
    const url = `${config.urls[i % config.urls.length]}${request.path}`;
    const done = send(url, request, config).then(({ status, body }) => {
      const report = route(request.route);
      report.latenciesMs.push(performance.now() - due);
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      const answer = body as { confirmationNumber?: string; decided?: boolean } | undefined;
      if (answer?.decided === false) report.undecided++;
      if (request.workloadNumber !== undefined && answer?.confirmationNumber !== undefined) {
        numbers.set(request.workloadNumber, answer.confirmationNumber);
      }
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  }
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpuStart);
  const report: LoadReport = {
    routes,
    sent,
    skipped,
    maxScheduleLagMs: Math.round(maxLag),
    elapsedMs: Math.round(performance.now() - start),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  process.send?.({ type: 'report', report });
}

function toRequest(
  operation: Operation,
  numbers: ReadonlyMap<string, string>,
  config: LoadConfig,
): Request | undefined {
  const wait = config.wait ? '?wait=true' : '';
  if (operation.kind === 'create') {
    const { stay } = operation;
    return {
      route: config.wait ? 'POST /reservations?wait=true' : 'POST /reservations',
      method: 'POST',
      path: `/reservations${wait}`,
      workloadNumber: operation.confirmationNumber,
      body: {
        propertyId: operation.propertyId,
        roomType: stay.roomType,
        checkInDate: stay.checkInDate,
        checkOutDate: stay.checkOutDate,
        rooms: stay.rooms,
        adults: stay.adults,
        children: stay.children,
        channel: operation.channel,
        guest: {
          ...operation.guestName,
          email: `guest${operation.seq}@example.com`,
        },
        paymentToken: operation.paymentToken,
      },
    };
  }
  if (config.mix === 'bookings') return undefined;
  const number = numbers.get(operation.confirmationNumber);
  if (number === undefined) return undefined;
  if (operation.kind === 'cancel') {
    return {
      route: 'POST /reservations/:n/cancel',
      method: 'POST',
      path: `/reservations/${number}/cancel`,
      body: {},
    };
  }
  const { stay } = operation;
  return {
    route: 'PATCH /reservations/:n',
    method: 'PATCH',
    path: `/reservations/${number}`,
    body: { checkInDate: stay.checkInDate, checkOutDate: stay.checkOutDate, rooms: stay.rooms },
  };
}

async function send(
  url: string,
  request: Request,
  config: LoadConfig,
): Promise<{ status: string; body: unknown }> {
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: { 'x-api-key': config.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(config.requestTimeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: String(response.status), body };
  } catch (error) {
    const name = (error as { name?: string }).name;
    return { status: name === 'TimeoutError' ? 'timeout' : 'error', body: undefined };
  }
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error).stack ?? error) });
  process.exitCode = 1;
});
