/**
 * The alert emitter: turns the alerts of each stay date ({@link stayDateAlerts}) into `analytics.alerts`
 * events, once per change. An alert (property, room type, stay date, kind) is RAISED when it starts,
 * UPDATED when its figure or detail changes while it holds, CLEARED when it ends (back within the
 * threshold, or the night has passed); a stay date evaluated again with the same figures emits nothing.
 * Each alert's last state is kept in the `alert-states` store, so a restart or a replay under
 * exactly-once neither repeats nor loses an event.
 *
 * When it evaluates, on the task's own keys only (every store here is the task's partition):
 * - **when the figures change**: the `on-the-books` table's changes come in (after the record cache, so
 *   at most once per month of a room type per commit), each with the month's books before and after, and
 *   the stay dates whose books differ are evaluated. A change made today moves only those dates' alerts:
 *   their comparable dates are read as of earlier days, which today's change does not touch;
 * - **when the business day turns** (the property's local date of the task's stream time, checked by a
 *   stream-time punctuator every {@link DAY_CHECK_INTERVAL_MS} and before each change): the pace of every
 *   future date compares with other days now, today's cancellations become yesterday's, and nights pass.
 *   Then every stay date of the property that can have an alert is evaluated: those with an alert on
 *   record and those within {@link PACE_WEEKS} weeks after a date with books, from today on. Once a
 *   property a day, not per record.
 */
import type { AnalyticsAlert, AnalyticsAlertStatus } from '../../../schemas/generated/types.js';
import type { KeyValueStore } from '../../../state/store.js';
import type { Change } from '../../../topology/index.js';
import type { Processor, ProcessorContext } from '../../../topology/processor.js';
import { NO_HEADERS } from '../../../topology/record.js';
import { addDays, compareDates, type LocalDate } from '../../domain/local-date.js';
import { zonedDate } from '../../domain/timezone.js';
import { nightKey, type ResolvedConfig } from '../config.js';
import { basisPointsToDecimal } from '../event-values.js';
import { ALERT_KINDS, type AlertKind, type StayDateAlert, stayDateAlerts } from './alerts.js';
import {
  ANALYTICS_STORES,
  bookedNights,
  changedNights,
  type MonthBooks,
  type StayDateBooksOf,
  stayDateReader,
} from './on-the-books.js';
import { PACE_WEEKS } from './pickup-and-pace.js';

/** The alert emitter's stores (the `on-the-books` store is read, never written). */
export const ALERT_STORES = {
  /** `<propertyId>|<roomType>|<night>|<kind>` → {@link AlertState}, kept until the night has passed. */
  alerts: 'alert-states',
  /** propertyId → the business day its stay dates were last all evaluated for. */
  evaluatedDays: 'alert-evaluated-days',
} as const;

/** How often stream time is checked for a new business day: time zones are offset in quarter hours. */
export const DAY_CHECK_INTERVAL_MS = 15 * 60_000;

/** The last event of one alert, as the `alert-states` store keeps it. */
export interface AlertState {
  readonly status: AnalyticsAlertStatus;
  /** Events emitted for this alert so far (the last one's `sequence`). */
  readonly sequence: number;
  readonly valueBp: number;
  readonly thresholdBp: number;
  readonly detail: string;
  /** Stream time when the current (or last) occurrence was raised. */
  readonly raisedAt: number;
}

/** Counts of the events emitted, read by the metrics (`analytics_alerts_emitted_total`). */
export interface AlertStats {
  readonly emitted: Map<`${AlertKind}|${AnalyticsAlertStatus}`, number>;
}

/** Empty {@link AlertStats}. */
export function newAlertStats(): AlertStats {
  return { emitted: new Map() };
}

/** The alerts store key of `kind` on a stay date. */
export function alertKey(propertyId: string, roomType: string, night: LocalDate, kind: AlertKind): string {
  return `${nightKey(propertyId, roomType, night)}|${kind}`;
}

/**
 * Creates the alert emitter of a task: input `on-the-books` changes (a month of a room type, before and
 * after), output alert events by property.
 */
export function alertsProcessor(
  config: ResolvedConfig,
  stats?: AlertStats,
): Processor<string, Change<MonthBooks>, string, AnalyticsAlert> {
  let context: ProcessorContext<string, AnalyticsAlert>;
  let books: KeyValueStore<string, MonthBooks>;
  let alerts: KeyValueStore<string, AlertState>;
  let evaluatedDays: KeyValueStore<string, LocalDate>;
  const catalog = config.catalog;

  return {
    init(ctx) {
      context = ctx;
      books = ctx.getStateStore(ANALYTICS_STORES.onTheBooks);
      alerts = ctx.getStateStore(ALERT_STORES.alerts);
      evaluatedDays = ctx.getStateStore(ALERT_STORES.evaluatedDays);
      ctx.schedule(DAY_CHECK_INTERVAL_MS, 'STREAM_TIME', () => {
        const properties: string[] = [];
        const iterator = evaluatedDays.all();
        try {
          for (const { key } of iterator) properties.push(key);
        } finally {
          iterator.close();
        }
        for (const propertyId of properties) turnDay(propertyId);
      });
    },
    process(record) {
      const [propertyId, roomType, month] = record.key.split('|') as [string, string, string];
      // A new day evaluates every date of the property, these included.
      if (turnDay(propertyId)) return;
      const asOf = today(propertyId);
      const booksOn = stayDateReader(books);
      for (const night of changedNights(month, record.value.oldValue, record.value.newValue)) {
        evaluate(booksOn, propertyId, roomType, night, asOf);
      }
    },
  };

  function today(propertyId: string): LocalDate {
    return zonedDate(context.currentStreamTimeMs(), catalog.property(propertyId).timeZone);
  }

  /** Evaluates every date of `propertyId` that can have an alert if its business day turned; true if so. */
  function turnDay(propertyId: string): boolean {
    const asOf = today(propertyId);
    const last = evaluatedDays.get(propertyId);
    if (last !== undefined && compareDates(asOf, last) <= 0) return false;
    const booksOn = stayDateReader(books);
    for (const [roomType, night] of candidates(propertyId, asOf))
      evaluate(booksOn, propertyId, roomType, night, asOf);
    evaluatedDays.put(propertyId, asOf);
    return true;
  }

  /**
   * The stay dates from `asOf` on that can have an alert: those with one on record (to clear it), and
   * each date with books and the {@link PACE_WEEKS} same weekdays after it (its books are their pace's
   * comparables). Alerts of nights before `asOf` are cleared and dropped here.
   */
  function candidates(propertyId: string, asOf: LocalDate): Array<[string, LocalDate]> {
    const found = new Map<string, [string, LocalDate]>();
    const add = (roomType: string, night: LocalDate) => {
      if (compareDates(night, asOf) >= 0) found.set(`${roomType}|${night}`, [roomType, night]);
    };
    const passed: Array<[string, AlertState]> = [];
    const onRecord = alerts.prefixScan(`${propertyId}|`);
    try {
      for (const { key, value } of onRecord) {
        const [, roomType, night] = key.split('|') as [string, string, LocalDate];
        if (compareDates(night, asOf) < 0) passed.push([key, value]);
        else add(roomType, night);
      }
    } finally {
      onRecord.close();
    }
    for (const [key, state] of passed) {
      const [, roomType, night, kind] = key.split('|') as [string, string, LocalDate, AlertKind];
      if (state.status !== 'CLEARED') {
        const cleared: AlertState = {
          ...state,
          status: 'CLEARED',
          sequence: state.sequence + 1,
          detail: 'the night has passed',
        };
        emitEvent(propertyId, roomType, night, kind, cleared, asOf);
      }
      alerts.delete(key);
    }
    const oldest = addDays(asOf, -7 * PACE_WEEKS);
    for (const { code: roomType } of catalog.property(propertyId).roomTypes) {
      const prefix = `${propertyId}|${roomType}|`;
      // Months are ISO `YYYY-MM` strings: `~` sorts after every one of them.
      const booked = books.range(`${prefix}${oldest.slice(0, 7)}`, `${prefix}~`);
      try {
        for (const { key, value } of booked) {
          for (const [night] of bookedNights(key.slice(prefix.length), value)) {
            if (compareDates(night, oldest) < 0) continue;
            for (let week = 0; week <= PACE_WEEKS; week++) add(roomType, addDays(night, 7 * week));
          }
        }
      } finally {
        booked.close();
      }
    }
    return [...found.values()];
  }

  /** Compares the alerts of one stay date with those on record and emits what changed. */
  function evaluate(
    booksOn: StayDateBooksOf,
    propertyId: string,
    roomType: string,
    night: LocalDate,
    asOf: LocalDate,
  ): void {
    const capacity = catalog.roomType(propertyId, roomType).capacity;
    const now = stayDateAlerts(booksOn, propertyId, roomType, capacity, night, asOf);
    for (const kind of ALERT_KINDS) {
      const key = alertKey(propertyId, roomType, night, kind);
      const before = alerts.get(key);
      const active = before !== undefined && before.status !== 'CLEARED';
      const alert = now.find((a) => a.kind === kind);
      let status: AnalyticsAlertStatus;
      let state: AlertState;
      if (alert !== undefined) {
        if (!active) status = 'RAISED';
        else if (before.valueBp !== alert.valueBp || before.detail !== alert.detail) status = 'UPDATED';
        else continue;
        state = {
          ...figures(alert),
          status,
          sequence: (before?.sequence ?? 0) + 1,
          raisedAt: active ? before.raisedAt : context.currentStreamTimeMs(),
        };
      } else if (active) {
        status = 'CLEARED';
        state = { ...before, status, sequence: before.sequence + 1, detail: 'back within the threshold' };
      } else {
        continue;
      }
      // A cleared alert stays on record until its night passes, so a raise after it continues the sequence.
      alerts.put(key, state);
      emitEvent(propertyId, roomType, night, kind, state, asOf);
    }
  }

  function emitEvent(
    propertyId: string,
    roomType: string,
    night: LocalDate,
    kind: AlertKind,
    state: AlertState,
    asOf: LocalDate,
  ): void {
    const at = context.currentStreamTimeMs();
    const { status, sequence } = state;
    const event: AnalyticsAlert = {
      eventId: `${alertKey(propertyId, roomType, night, kind)}#${sequence}`,
      eventType: 'AnalyticsAlert',
      occurredAt: at,
      propertyId,
      roomType,
      stayDate: night,
      kind,
      status,
      sequence,
      asOf,
      value: basisPointsToDecimal(state.valueBp),
      threshold: basisPointsToDecimal(state.thresholdBp),
      raisedAt: state.raisedAt,
      detail: state.detail,
    };
    context.forward({ key: propertyId, value: event, timestamp: at, headers: NO_HEADERS });
    if (stats !== undefined) {
      const counter = `${kind}|${status}` as const;
      stats.emitted.set(counter, (stats.emitted.get(counter) ?? 0) + 1);
    }
  }
}

function figures(alert: StayDateAlert): Pick<AlertState, 'valueBp' | 'thresholdBp' | 'detail'> {
  return { valueBp: alert.valueBp, thresholdBp: alert.thresholdBp, detail: alert.detail };
}
