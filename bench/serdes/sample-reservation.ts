/**
 * A realistic `reservation.created` event (three nights, two rooms, nightly dynamic rates), used by the
 * serde benchmark and the schema tests so that both measure and check the same shape of record.
 */
import type { ReservationCreated } from '../../schemas/generated/index.js';

/** A reservation.created event; `sequence` varies the ids so that many distinct events can be made. */
export function sampleReservationCreated(sequence = 1): ReservationCreated {
  const eur = (amount: string) => ({ amount, currency: 'EUR' });
  const confirmationNumber = `RSV-2026-${String(sequence).padStart(6, '0')}`;
  return {
    eventId: `${confirmationNumber}:created`,
    eventType: 'ReservationCreated',
    occurredAt: 1_773_446_400_000 + sequence,
    confirmationNumber,
    propertyId: 'PROP-LIS-001',
    channel: 'DIRECT',
    guestDetails: {
      guestId: `GUEST-${sequence}`,
      firstName: 'Ana',
      lastName: 'Ferreira',
      email: 'ana.ferreira@example.com',
      phone: '+351912345678',
      loyaltyId: null,
      countryCode: 'PT',
    },
    stayDetails: {
      checkInDate: '2026-03-14',
      checkOutDate: '2026-03-17',
      nights: 3,
      roomType: 'DLX-KING',
      rooms: 2,
      adults: 2,
      children: 1,
    },
    pricingDetails: {
      ratePlan: 'BAR',
      nightlyRates: [
        { stayDate: '2026-03-14', baseRate: eur('180.00'), demandMultiplier: '1.0000', rate: eur('180.00') },
        { stayDate: '2026-03-15', baseRate: eur('180.00'), demandMultiplier: '1.2500', rate: eur('225.00') },
        { stayDate: '2026-03-16', baseRate: eur('180.00'), demandMultiplier: '1.1000', rate: eur('198.00') },
      ],
      roomTotal: eur('1206.00'),
      taxes: eur('72.36'),
      fees: eur('12.00'),
      totalAmount: eur('1290.36'),
    },
    paymentToken: 'tok_4f9a1c2e8b7d',
    idempotencyKey: null,
  };
}
