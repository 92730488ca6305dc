/** Bar charts of the KPI windows as inline SVG, each with its numbers in a table for screen readers. */
import type { KpisEvent } from '../api/dashboard/dashboard-events.js';
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
