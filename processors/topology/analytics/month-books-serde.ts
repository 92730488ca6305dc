/**
 * The `on-the-books` store's value serde: {@link MonthBooks} in a compact binary layout instead of JSON.
 * The aggregation reads and writes a month per fact, and the alerts and reports read a month per stay
 * date they look at; JSON's field names and dates as text were most of each value's bytes.
 *
 * Layout (big-endian): version (1) · currency (3 ASCII bytes; every stay date of a property shares it) ·
 * the number of stay dates booked (1) · per stay date, in day order: day of the month − 1 (1),
 * room-nights (int32), revenue in minor units (float64: integers exact to 2^53), the number of daily
 * changes (1), and per daily change, oldest first: its business day (int32 days since 1970-01-01),
 * room-nights (int32), revenue (float64). A stay date with one daily change takes 30 bytes.
 */
import type { Serde } from '../../../schemas/serde.js';
import { fromEpochDay, toEpochDay } from '../../domain/local-date.js';
import type { DailyChange, MonthBooks, StayDateBooks } from './on-the-books.js';

const VERSION = 1;
const HEADER = 1 + 3 + 1;
const NIGHT = 1 + 4 + 8 + 1;
const DAILY = 4 + 4 + 8;

export function monthBooksSerde(): Serde<MonthBooks> {
  return {
    name: 'month books',
    serialize(month) {
      if (month === null || month === undefined) return null;
      let size = HEADER;
      let currency: string | undefined;
      for (const night of month.nights) {
        if (night === undefined) continue;
        if (currency === undefined) currency = night.currency;
        else if (night.currency !== currency) {
          throw new TypeError(
            `a month's stay dates must share one currency, got ${currency} and ${night.currency}`,
          );
        }
        size += NIGHT + DAILY * night.daily.length;
      }
      if (currency === undefined || currency.length !== 3) {
        throw new TypeError(`a month of books needs a stay date with an ISO currency code, got ${currency}`);
      }
      const bytes = Buffer.allocUnsafe(size);
      bytes.writeUInt8(VERSION, 0);
      bytes.write(currency, 1, 3, 'latin1');
      let at = HEADER;
      let count = 0;
      month.nights.forEach((night, day) => {
        if (night === undefined) return;
        count++;
        bytes.writeUInt8(day, at);
        bytes.writeInt32BE(night.roomNights, at + 1);
        bytes.writeDoubleBE(night.revenueMinor, at + 5);
        bytes.writeUInt8(night.daily.length, at + 13);
        at += NIGHT;
        for (const change of night.daily) {
          bytes.writeInt32BE(toEpochDay(change.day), at);
          bytes.writeInt32BE(change.roomNights, at + 4);
          bytes.writeDoubleBE(change.revenueMinor, at + 8);
          at += DAILY;
        }
      });
      bytes.writeUInt8(count, 4);
      return bytes;
    },
    deserialize(data) {
      if (data === null) return null as unknown as MonthBooks;
      if (data.length < HEADER || data.readUInt8(0) !== VERSION) {
        throw new TypeError(`not a month of books of layout version ${VERSION} (${data.length} bytes)`);
      }
      const currency = data.toString('latin1', 1, 4);
      const count = data.readUInt8(4);
      const nights: Array<StayDateBooks | undefined> = [];
      let at = HEADER;
      for (let n = 0; n < count; n++) {
        const day = data.readUInt8(at);
        const roomNights = data.readInt32BE(at + 1);
        const revenueMinor = data.readDoubleBE(at + 5);
        const changes = data.readUInt8(at + 13);
        at += NIGHT;
        const daily: DailyChange[] = [];
        for (let c = 0; c < changes; c++) {
          daily.push({
            day: fromEpochDay(data.readInt32BE(at)),
            roomNights: data.readInt32BE(at + 4),
            revenueMinor: data.readDoubleBE(at + 8),
          });
          at += DAILY;
        }
        while (nights.length < day) nights.push(undefined);
        nights[day] = { currency, roomNights, revenueMinor, daily };
      }
      if (at !== data.length) {
        throw new TypeError(`a month of books of ${data.length} bytes holds ${at} bytes of stay dates`);
      }
      return { nights };
    },
  };
}
