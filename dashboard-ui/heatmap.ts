/** The occupancy heat map: a table, one row per room type, one column per night, shaded by occupancy. */
import type { OccupancyEvent } from '../api/dashboard/dashboard-events.js';
import { el } from './dom.js';

/** Shade steps (classes s0..s5 in dashboard.css, whose darker half has white text for contrast). */
const STEPS = 6;

function shade(reserved: number, capacity: number): number {
  if (reserved <= 0 || capacity <= 0) return 0;
  return Math.min(STEPS - 1, 1 + Math.floor((reserved / capacity) * (STEPS - 2)));
}

/** Renders `event` as a table. */
export function heatmap(event: OccupancyEvent): HTMLTableElement {
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'Room type'),
    ...event.dates.map((date) =>
      el('th', { scope: 'col', title: date }, el('abbr', { title: date }, date.slice(8))),
    ),
  );
  const rows = event.rows.map((row) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, row.roomType),
      ...row.nights.map(([reserved, capacity], i) => {
        const step = shade(reserved, capacity);
        const date = event.dates[i]!;
        return el(
          'td',
          {
            class: `s${step}`,
            title: `${row.roomType} ${date}: ${reserved} of ${capacity} rooms reserved`,
            'data-room-type': row.roomType,
            'data-date': date,
            'data-reserved': String(reserved),
          },
          String(reserved),
        );
      }),
    ),
  );
  return el(
    'table',
    { class: 'heatmap' },
    el(
      'caption',
      { class: 'visually-hidden' },
      `Rooms reserved per room type and night at ${event.propertyId}`,
    ),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}
