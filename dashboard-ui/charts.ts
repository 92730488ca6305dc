/**
 * Charts as inline SVG: bars of the KPI windows (with their numbers in a table for screen readers) and
 * lines of the nightly rates.
 */
import type { KpisEvent, RatesEvent } from '../api/dashboard/dashboard-events.js';
import { el, table } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 120;

function svg(tag: string, attributes: Record<string, string>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function barChart(title: string, values: readonly number[], labels: readonly string[]): HTMLElement {
  const max = Math.max(1, ...values);
  const width = WIDTH / Math.max(1, values.length);
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': `${title}: ${values.length} hourly windows, highest ${max}`,
    class: 'chart',
  });
  values.forEach((value, i) => {
    const height = (value / max) * (HEIGHT - 4);
    const bar = svg('rect', {
      x: String(i * width + 1),
      y: String(HEIGHT - height),
      width: String(Math.max(1, width - 2)),
      height: String(height),
    });
    const tip = svg('title', {});
    tip.textContent = `${labels[i]}: ${value}`;
    bar.append(tip);
    chart.append(bar);
  });
  return el('figure', {}, el('figcaption', {}, title), chart);
}

/** Renders the three charts and the table of the windows. */
export function kpiCharts(event: KpisEvent): HTMLElement[] {
  const labels = event.windows.map((w) => w.windowStart.slice(5, 16).replace('T', ' '));
  const currency = event.windows[0]?.currency ?? '';
  return [
    barChart(
      'Bookings',
      event.windows.map((w) => w.bookings),
      labels,
    ),
    barChart(
      `ADR ${currency}`,
      event.windows.map((w) => Number(w.adr)),
      labels,
    ),
    barChart(
      `RevPAR ${currency}`,
      event.windows.map((w) => Number(w.revpar)),
      labels,
    ),
    el(
      'details',
      {},
      el('summary', {}, 'The numbers'),
      table(
        'KPIs per hour',
        ['Window start (UTC)', 'Bookings', 'ADR', 'RevPAR'],
        event.windows.map((w, i) => [labels[i]!, String(w.bookings), w.adr, w.revpar]),
      ),
    ),
  ];
}

/** One line chart per room type of its nightly rate (solid) against its base rate (dashed). */
export function rateCharts(event: RatesEvent): HTMLElement[] {
  return event.rows.map((row) => {
    const values = row.nights.flat();
    // Headroom on both sides, so a flat line (no demand change yet) sits mid-chart, not on an edge.
    const positive = values.filter((v) => v > 0);
    const min = positive.length === 0 ? 0 : Math.min(...positive) * 0.8;
    const max = Math.max(1, ...values) * 1.2;
    const span = max - min;
    const x = (i: number) => (i / Math.max(1, row.nights.length - 1)) * (WIDTH - 2) + 1;
    const y = (v: number) => HEIGHT - 4 - ((v - min) / span) * (HEIGHT - 8);
    const line = (pick: 0 | 1, cls: string) =>
      svg('polyline', {
        class: cls,
        points: row.nights.map((night, i) => `${x(i).toFixed(1)},${y(night[pick]).toFixed(1)}`).join(' '),
      });
    const rates = row.nights.map(([rate]) => rate);
    const chart = svg('svg', {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': `${row.roomType} nightly rate over ${rates.length} nights: from ${Math.min(...rates)} to ${Math.max(...rates)} ${event.currency}`,
      class: 'chart',
    });
    chart.append(line(1, 'base'), line(0, 'rate'));
    return el(
      'figure',
      { 'data-rates-room-type': row.roomType },
      el('figcaption', {}, `${row.roomType}: ${Math.min(...rates)}–${Math.max(...rates)} ${event.currency}`),
      chart,
    );
  });
}
