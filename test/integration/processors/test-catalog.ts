/**
 * The hotels of the pipeline integration test: the shipped Zurich boutique hotel (no overbooking) and
 * three small test hotels with an overbooking allowance, so that a few thousand bookings sell hot dates
 * out and also sell rooms beyond capacity. Small capacities are the point: a large hotel would never
 * reach its limits in a test-sized workload.
 */
import { readFileSync } from 'node:fs';
import {
  parsePropertyCatalog,
  SAMPLE_CATALOG_PATH,
} from '../../../processors/domain/reference-data-loader.js';

const shipped = JSON.parse(readFileSync(SAMPLE_CATALOG_PATH, 'utf8')).properties as Array<{
  propertyId: string;
}>;

const policy = (hours: number) => ({
  freeUntilHoursBeforeCheckIn: hours,
  lateFee: { type: 'FIRST_NIGHT' },
});

/** The catalog the topology runs with. */
export const testCatalog = parsePropertyCatalog(
  {
    properties: [
      shipped.find((p) => p.propertyId === 'ZRH-SEEHOF'),
      {
        propertyId: 'IT-PORTO-RIBEIRA',
        name: 'Ribeira Test Guesthouse',
        timeZone: 'Europe/Lisbon',
        currency: 'EUR',
        // 25 % of 8 is 2 rooms beyond capacity; 25 % of 4 is 1.
        overbookingPercent: 25,
        checkInTime: '15:00',
        cancellationPolicy: policy(48),
        roomTypes: [
          { code: 'STD', name: 'Standard', capacity: 8, baseRate: '95.00', maxGuests: 2 },
          { code: 'SUP', name: 'Superior', capacity: 4, baseRate: '140.00', maxGuests: 3 },
        ],
      },
      {
        propertyId: 'IT-KYOTO-GION',
        name: 'Gion Test Ryokan',
        timeZone: 'Asia/Tokyo',
        currency: 'JPY',
        // 20 % of 10 is 2; 20 % of 3 rounds down to none.
        overbookingPercent: 20,
        checkInTime: '15:00',
        cancellationPolicy: policy(72),
        roomTypes: [
          { code: 'TWN', name: 'Twin', capacity: 10, baseRate: '18000', maxGuests: 2 },
          { code: 'STE', name: 'Suite', capacity: 3, baseRate: '52000', maxGuests: 4 },
        ],
      },
      {
        propertyId: 'IT-NYC-SOHO',
        name: 'SoHo Test Lofts',
        timeZone: 'America/New_York',
        currency: 'USD',
        // 10 % of 20 is 2; 10 % of 12 is 1.
        overbookingPercent: 10,
        checkInTime: '16:00',
        cancellationPolicy: policy(24),
        roomTypes: [
          { code: 'KNG', name: 'King Loft', capacity: 20, baseRate: '310.00', maxGuests: 2 },
          { code: 'QQ', name: 'Two Queens', capacity: 12, baseRate: '340.00', maxGuests: 4 },
        ],
      },
    ],
  },
  'test/integration/processors/test-catalog.ts',
);

/** The ids of {@link testCatalog}'s properties. */
export const TEST_PROPERTY_IDS = ['ZRH-SEEHOF', 'IT-PORTO-RIBEIRA', 'IT-KYOTO-GION', 'IT-NYC-SOHO'] as const;
