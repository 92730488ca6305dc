/**
 * The dashboard's script: opens the event stream for the chosen property and redraws a panel whenever
 * its event arrives. Replays post to `/dashboard/dlq/replay`; the stream then brings the new counts.
 */
import type {
  DlqEvent,
  KpisEvent,
  OccupancyEvent,
  PipelineEvent,
  RatesEvent,
} from '../api/dashboard/dashboard-events.js';
import { kpiCharts, rateCharts } from './charts.js';
import { byId, el, table } from './dom.js';
import { heatmap } from './heatmap.js';

let source: EventSource | undefined;

function connect(propertyId: string): void {
  source?.close();
  const connection = byId('connection');
  connection.textContent = 'connecting…';
  source = new EventSource(`/dashboard/events?property=${encodeURIComponent(propertyId)}`);
  source.onopen = () => {
    connection.textContent = 'live';
  };
  source.onerror = () => {
    connection.textContent = 'reconnecting…';
  };
  const on = <T>(type: string, draw: (data: T) => void) =>
    source!.addEventListener(type, (event) => draw(JSON.parse((event as MessageEvent<string>).data) as T));
  on<OccupancyEvent>('occupancy', drawOccupancy);
  on<RatesEvent>('rates', drawRates);
  on<KpisEvent>('kpis', drawKpis);
  on<PipelineEvent>('pipeline', drawPipeline);
  on<DlqEvent>('dlq', drawDlq);
}

function drawOccupancy(event: OccupancyEvent): void {
  byId('occupancy-error').textContent = event.error ?? '';
  // A failed read keeps the last map on screen rather than blanking it.
  if (event.error === undefined) byId('heatmap').replaceChildren(heatmap(event));
}

function drawRates(event: RatesEvent): void {
  byId('rates-error').textContent = event.error ?? '';
  if (event.error === undefined) byId('rates').replaceChildren(...rateCharts(event));
}

function drawKpis(event: KpisEvent): void {
  byId('kpi-error').textContent = event.error ?? '';
  if (event.error !== undefined) return;
  byId('kpis').replaceChildren(
    ...(event.windows.every((w) => w.bookings === 0)
      ? [el('p', {}, 'No bookings in the last 48 hours.')]
      : kpiCharts(event)),
  );
}

function drawPipeline(event: PipelineEvent): void {
  byId('instance').textContent = event.instance;
  byId('thread-state').textContent = event.state;
  byId('pipeline-error').textContent = event.error ?? '';
  byId('placement').replaceChildren(
    table(
      'Task placement per instance',
      ['Instance', 'Active tasks', 'Standby tasks'],
      event.placement.map((p) => [
        p.server,
        p.activeTasks.join(', ') || '—',
        p.standbyTasks.join(', ') || '—',
      ]),
    ),
  );
  byId('lag').replaceChildren(
    table(
      'Consumer lag per partition',
      ['Topic', 'Partition', 'Lag (records)'],
      event.lag.map((l) => [l.topic, String(l.partition), String(l.lag)]),
    ),
  );
}

function drawDlq(event: DlqEvent): void {
  byId('dlq-error').textContent = event.error ?? '';
  if (event.topics.length === 0) {
    byId('dlq').replaceChildren(el('p', {}, 'No dead-letter topics.'));
    return;
  }
  const summary = table(
    'Dead letters per topic',
    ['DLQ topic', 'Waiting', 'In all'],
    event.topics.map((t) => [
      t.topic,
      el('span', { class: 'count', 'data-dlq-topic': t.topic }, String(t.pending.length)),
      String(t.total),
    ]),
  );
  // Only topics with dead letters waiting get a list, so a quiet pipeline stays one short table.
  const waiting = event.topics
    .filter((t) => t.pending.length > 0)
    .map((t) =>
      el(
        'div',
        { class: 'dlq-topic' },
        el('h3', {}, `Waiting in ${t.topic}`),
        table(
          `Dead letters of ${t.topic} not yet replayed`,
          ['Partition', 'Offset', 'Error', 'Replay'],
          t.pending.map((r) => [
            String(r.partition),
            r.offset,
            `${r.errorCode}: ${r.errorMessage}`,
            replayButton(t.topic, r.partition, r.offset),
          ]),
        ),
      ),
    );
  byId('dlq').replaceChildren(summary, ...waiting);
}

function replayButton(topic: string, partition: number, offset: string): HTMLButtonElement {
  const button = el(
    'button',
    { type: 'button', 'aria-label': `Replay ${topic} partition ${partition} offset ${offset}` },
    'Replay',
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = byId('dlq-result');
    const response = await fetch('/dashboard/dlq/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic, partition, offset }),
    });
    const body = (await response.json()) as { replayed?: unknown[]; message?: string };
    result.textContent = response.ok
      ? `Replayed ${body.replayed?.length ?? 0} record (${topic} ${partition}/${offset}).`
      : `Replay failed: ${body.message ?? response.status}`;
    if (!response.ok) button.disabled = false;
  });
  return button;
}

const picker = byId<HTMLSelectElement>('property');
picker.addEventListener('change', () => connect(picker.value));
connect(picker.value);
