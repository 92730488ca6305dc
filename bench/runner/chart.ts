/**
 * The run chart as plain SVG text (no charting dependency): three panels over time, one line per run —
 * decided reservations per second, p95 end-to-end latency (ms, per second of decision), and the
 * topology group's committed-offset lag.
 */
import type { PipelineRunResult } from './run-pipeline.js';

const WIDTH = 900;
const PANEL_HEIGHT = 180;
const MARGIN = { left: 70, right: 170, top: 40, gap: 50 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];

interface Panel {
  readonly title: string;
  readonly value: (point: PipelineRunResult['timeline'][number]) => number;
}

const PANELS: readonly Panel[] = [
  { title: 'reservations decided per second', value: (p) => p.decided },
  { title: 'p95 end-to-end latency (ms)', value: (p) => p.p95 },
  { title: 'committed lag of the topology group (records)', value: (p) => p.lagCommitted },
];

/** An SVG document charting every run's timeline. */
export function renderChart(title: string, runs: readonly PipelineRunResult[]): string {
  const height = MARGIN.top + PANELS.length * (PANEL_HEIGHT + MARGIN.gap);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const maxT = Math.max(1, ...runs.flatMap((r) => r.timeline.map((p) => p.t)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">${escapeXml(title)}</text>`,
  ];
  PANELS.forEach((panel, index) => {
    const top = MARGIN.top + index * (PANEL_HEIGHT + MARGIN.gap);
    const maxV = niceCeiling(Math.max(1, ...runs.flatMap((r) => r.timeline.map(panel.value))));
    const x = (t: number) => MARGIN.left + (t / maxT) * plotWidth;
    const y = (v: number) => top + PANEL_HEIGHT - (v / maxV) * PANEL_HEIGHT;
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 8}" font-size="12">${escapeXml(panel.title)}</text>`,
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`,
      `<text x="${MARGIN.left - 6}" y="${top + 4}" text-anchor="end">${format(maxV)}</text>`,
      `<text x="${MARGIN.left - 6}" y="${top + PANEL_HEIGHT}" text-anchor="end">0</text>`,
      `<text x="${MARGIN.left + plotWidth}" y="${top + PANEL_HEIGHT + 14}" text-anchor="end">${Math.round(maxT)} s</text>`,
    );
    runs.forEach((run, r) => {
      const points = run.timeline
        .map((p) => `${x(p.t).toFixed(1)},${y(panel.value(p)).toFixed(1)}`)
        .join(' ');
      const colour = COLOURS[r % COLOURS.length];
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>`);
      if (index === 0) {
        const ly = top + 14 + r * 16;
        parts.push(
          `<line x1="${WIDTH - MARGIN.right + 10}" y1="${ly - 4}" x2="${WIDTH - MARGIN.right + 30}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
          `<text x="${WIDTH - MARGIN.right + 34}" y="${ly}">${escapeXml(run.label)}</text>`,
        );
      }
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The next 1, 2 or 5 times a power of ten at or above `value`. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function format(value: number): string {
  return value >= 10_000 ? `${value / 1000}k` : String(value);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An SVG bar chart of each contender's median drain rate (records per second) in the peer comparison. */
export function renderPeerChart(title: string, medians: Readonly<Record<string, number>>): string {
  const entries = Object.entries(medians);
  const barHeight = 28;
  const height = MARGIN.top + entries.length * (barHeight + 12) + 30;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const max = niceCeiling(Math.max(1, ...entries.map(([, v]) => v)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">${escapeXml(title)}</text>`,
  ];
  entries.forEach(([name, value], i) => {
    const y = MARGIN.top + i * (barHeight + 12);
    const width = (value / max) * plotWidth;
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${y + barHeight / 2 + 4}" text-anchor="end">${escapeXml(name)}</text>`,
      `<rect x="${MARGIN.left}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${MARGIN.left + width + 6}" y="${y + barHeight / 2 + 4}">${value.toLocaleString('en')} records/s</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
