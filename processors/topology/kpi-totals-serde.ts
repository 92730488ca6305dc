/**
 * The KPI window stores' value serde: {@link KpiTotals} in a fixed binary layout instead of JSON. The KPI
 * aggregations read and write a window per fact and family, and the metered store serializes on every
 * `put` and deserializes on every `fetch`; JSON's text encoding of six numbers and two currency codes
 * cost several times what this layout does (`npm run bench:store-serdes`).
 *
 * Layout (36 bytes, big-endian): version (1) · bookings, cancellations, room-nights booked, room-nights
 * cancelled (int32 each) · revenue booked, revenue cancelled in minor units (float64 each: integers exact
 * to 2^53) · currency (3 ASCII bytes; both amounts share it, as `addFact` guarantees). `null` (nothing
 * counted) stays a tombstone.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KpiTotals } from '../domain/kpis.js';

const VERSION = 1;
const SIZE = 1 + 4 * 4 + 8 * 2 + 3;

export function kpiTotalsSerde(): Serde<KpiTotals | null> {
  return {
    name: 'kpi totals',
    serialize(totals) {
      if (totals === null) return null;
      const currency = totals.revenueBooked.currency;
      if (totals.revenueCancelled.currency !== currency || currency.length !== 3) {
        throw new TypeError(
          `KPI totals must carry one ISO currency code, got ${currency} and ${totals.revenueCancelled.currency}`,
        );
      }
      const bytes = Buffer.allocUnsafe(SIZE);
      bytes.writeUInt8(VERSION, 0);
      bytes.writeInt32BE(totals.bookings, 1);
      bytes.writeInt32BE(totals.cancellations, 5);
      bytes.writeInt32BE(totals.roomNightsBooked, 9);
      bytes.writeInt32BE(totals.roomNightsCancelled, 13);
      bytes.writeDoubleBE(totals.revenueBooked.minor, 17);
      bytes.writeDoubleBE(totals.revenueCancelled.minor, 25);
      bytes.write(currency, 33, 3, 'latin1');
      return bytes;
    },
    deserialize(data) {
      if (data === null) return null;
      if (data.length !== SIZE || data.readUInt8(0) !== VERSION) {
        throw new TypeError(`not KPI totals of layout version ${VERSION} (${data.length} bytes)`);
      }
      const currency = data.toString('latin1', 33, 36);
      return {
        bookings: data.readInt32BE(1),
        cancellations: data.readInt32BE(5),
        roomNightsBooked: data.readInt32BE(9),
        roomNightsCancelled: data.readInt32BE(13),
        revenueBooked: { currency, minor: data.readDoubleBE(17) },
        revenueCancelled: { currency, minor: data.readDoubleBE(25) },
      };
    },
  };
}
