/**
 * The layout of the `inventory` and `rates` stores: one entry per (property, room type, month), keyed
 * `<propertyId>|<roomType>|<YYYY-MM>`, holding a number per day of that month (rooms sold; the nightly rate
 * in minor units, 0 for none set). A stay's nights usually fall in one month, so a command writes one
 * entry (and, at the commit, one changelog record) instead of one per night: in `bench/records`' count,
 * 1.00 changelog record per reservation instead of 3.46 for `inventory`, 0.60 instead of 1.60 for `rates`.
 * Reads stay by key: {@link soldOn} and {@link rateOn} read one night, {@link storedNights} lists every
 * night stored.
 *
 * The value is a fixed binary layout (a 32-bit signed count per day, big-endian, trailing empty days
 * left out), not JSON: it is read and written on every command.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KeyValue, KeyValueStore, ReadOnlyKeyValueStore } from '../../state/store.js';
import type { LocalDate } from '../domain/local-date.js';

/** A number per day of one month (rooms sold, or a rate): index 0 is the 1st; 31 entries whatever the month's length. */
export type SoldPerDay = Int32Array;

const DAYS = 31;

/** The `inventory`, `rates` or `on-the-books` key of the month holding `night`. */
export function monthKey(propertyId: string, roomType: string, night: LocalDate): string {
  return `${propertyId}|${roomType}|${night.slice(0, 7)}`;
}

/** Rooms of `roomType` sold on `night`. */
export function soldOn(
  inventory: ReadOnlyKeyValueStore<string, SoldPerDay>,
  propertyId: string,
  roomType: string,
  night: LocalDate,
): number {
  return inventory.get(monthKey(propertyId, roomType, night))?.[dayIndex(night)] ?? 0;
}

/** The nightly rate of `roomType` on `night` in minor units, or undefined when none was set (the base rate). */
export function rateOn(
  rates: ReadOnlyKeyValueStore<string, SoldPerDay>,
  propertyId: string,
  roomType: string,
  night: LocalDate,
): number | undefined {
  const rate = rates.get(monthKey(propertyId, roomType, night))?.[dayIndex(night)] ?? 0;
  return rate === 0 ? undefined : rate;
}

/** A night's new value: rooms sold, or a rate in minor units. */
export interface NightValue {
  readonly roomTypeCode: string;
  readonly night: LocalDate;
  readonly value: number;
}

/** Sets the value of each night in `changes` (of one property), one read and one write per month. */
export function writeNights(
  store: KeyValueStore<string, SoldPerDay>,
  propertyId: string,
  changes: readonly NightValue[],
): void {
  const months = new Map<string, SoldPerDay>();
  for (const change of changes) {
    const key = monthKey(propertyId, change.roomTypeCode, change.night);
    let days = months.get(key);
    if (days === undefined) {
      // A copy: the stored value may be shared with the store's cache.
      const stored = store.get(key);
      days = stored === undefined ? new Int32Array(DAYS) : Int32Array.from(stored);
      months.set(key, days);
    }
    days[dayIndex(change.night)] = change.value;
  }
  if (months.size === 1) {
    for (const [key, value] of months) store.put(key, value);
  } else if (months.size > 1) {
    store.putAll([...months].map(([key, value]) => ({ key, value })));
  }
}

/**
 * Every night of the months in `entries` (an `inventory` store's `all()` or range), keyed
 * `<property>|<room type>|<night>`, with its rooms sold (0 included).
 */
export function storedNights(entries: Iterable<KeyValue<string, SoldPerDay>>): Map<string, number> {
  const nights = new Map<string, number>();
  for (const { key, value } of entries) {
    const [year, month] = key
      .slice(key.lastIndexOf('|') + 1)
      .split('-')
      .map(Number) as [number, number];
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    for (let day = 1; day <= days; day++) {
      nights.set(`${key}-${String(day).padStart(2, '0')}`, value[day - 1] ?? 0);
    }
  }
  return nights;
}

/** {@link SoldPerDay} as 4 bytes per day up to the last day with rooms sold. */
export function soldPerDaySerde(): Serde<SoldPerDay> {
  return {
    name: 'sold per day',
    serialize(value) {
      let days = value.length;
      // At least one day: an empty value would read as no value at all in some stores.
      while (days > 1 && value[days - 1] === 0) days--;
      const bytes = Buffer.allocUnsafe(days * 4);
      for (let i = 0; i < days; i++) bytes.writeInt32BE(value[i]!, i * 4);
      return bytes;
    },
    deserialize(data) {
      if (data === null) return null as unknown as SoldPerDay;
      const days = new Int32Array(DAYS);
      for (let i = 0; i < data.length / 4; i++) days[i] = data.readInt32BE(i * 4);
      return days;
    },
  };
}

/** The index of `night` in its month's days (0 for the 1st). */
export function dayIndex(night: LocalDate): number {
  return Number(night.slice(8, 10)) - 1;
}
