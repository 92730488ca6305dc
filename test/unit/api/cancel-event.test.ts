import { describe, expect, it } from 'vitest';
import { reservationCancelled } from '../../../api/reservations/events.js';
import type { ReservationView } from '../../../api/reservations/reservation-view.js';
import { loadPropertyCatalog } from '../../../processors/domain/reference-data-loader.js';

const catalog = loadPropertyCatalog();

/** A confirmed two-night stay of one room, checking in far enough ahead that cancelling is free. */
function confirmedStay(propertyId: string, roomType: string, totalAmount: string, currency: string) {
  return {
    confirmationNumber: 'RSV-2026-000042',
    propertyId,
    guestId: 'guest-1',
    status: 'CONFIRMED',
    stay: {
      checkInDate: '2027-03-10',
      checkOutDate: '2027-03-12',
      nights: 2,
      roomType,
      rooms: 1,
      adults: 1,
      children: 0,
    },
    totalAmount: { amount: totalAmount, currency },
    detail: null,
    history: [],
  } satisfies ReservationView;
}

describe('reservation.cancelled built by the API', () => {
  it('reads event amounts as scale-2 decimals in a currency without minor units (JPY)', () => {
    const view = confirmedStay('TYO-GINZA', 'SGL', '29600.00', 'JPY');
    const event = reservationCancelled(catalog.property('TYO-GINZA'), view, null, Date.parse('2027-01-01'));
    expect(event.withinFreeCancellation).toBe(true);
    expect(event.cancellationFee).toEqual({ amount: '0.00', currency: 'JPY' });
    expect(event.refundAmount).toEqual({ amount: '29600.00', currency: 'JPY' });
  });

  it('charges the late fee in JPY after the free-cancellation deadline', () => {
    const view = confirmedStay('TYO-GINZA', 'SGL', '29600.00', 'JPY');
    // Ginza: free until 72 h before the 15:00 check-in, then 50 % of the total.
    const event = reservationCancelled(
      catalog.property('TYO-GINZA'),
      view,
      null,
      Date.parse('2027-03-09T00:00:00Z'),
    );
    expect(event.withinFreeCancellation).toBe(false);
    expect(event.cancellationFee).toEqual({ amount: '14800.00', currency: 'JPY' });
    expect(event.refundAmount).toEqual({ amount: '14800.00', currency: 'JPY' });
  });
});
