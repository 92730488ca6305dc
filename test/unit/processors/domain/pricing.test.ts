import { describe, expect, it } from 'vitest';
import { money } from '../../../../processors/domain/money.js';
import {
  DEFAULT_PRICING,
  demandMultiplierBp,
  multiplierBp,
  type PricingConfig,
  priceStay,
  validatePricingConfig,
} from '../../../../processors/domain/pricing.js';
import { PricingConfigError } from '../../../../processors/errors.js';

describe('demand multiplier', () => {
  it('follows the default tiers with inclusive lower bounds', () => {
    const at = (sold: number) => demandMultiplierBp(DEFAULT_PRICING, sold, 100);
    expect([0, 49, 50, 69, 70, 84, 85, 94, 95, 100, 104].map(at)).toEqual([
      10_000, 10_000, 11_000, 11_000, 12_500, 12_500, 15_000, 15_000, 17_500, 17_500, 17_500,
    ]);
  });

  it('compares occupancy exactly, without rounding a ratio', () => {
    // 2 of 3 rooms is 66.67 %: ×1.1. 7 of 10 is exactly 70 %: ×1.25. 69 of 99 is 69.7 %: ×1.1.
    expect(demandMultiplierBp(DEFAULT_PRICING, 2, 3)).toBe(11_000);
    expect(demandMultiplierBp(DEFAULT_PRICING, 7, 10)).toBe(12_500);
    expect(demandMultiplierBp(DEFAULT_PRICING, 69, 99)).toBe(11_000);
  });

  it('caps demand × pace and rounds the product to a whole basis point', () => {
    const config: PricingConfig = {
      ...DEFAULT_PRICING,
      pace: {
        windowMs: 3_600_000,
        tiers: [
          { fromBookings: 0, multiplierBp: 10_000 },
          { fromBookings: 5, multiplierBp: 10_500 },
          { fromBookings: 20, multiplierBp: 13_333 },
        ],
      },
    };
    validatePricingConfig(config);
    expect(multiplierBp(config, 10, 100, 0)).toBe(10_000);
    expect(multiplierBp(config, 60, 100, 5)).toBe(11_550); // 1.1 × 1.05
    expect(multiplierBp(config, 60, 100, 20)).toBe(14_666); // 1.1 × 1.3333 = 1.46663 → 14 666 bp
    expect(multiplierBp(config, 90, 100, 20)).toBe(20_000); // 1.5 × 1.3333 = 1.99995, capped at 2.0
    expect(multiplierBp(config, 96, 100, 20)).toBe(20_000); // 1.75 × 1.3333 = 2.33, capped
    expect(multiplierBp(DEFAULT_PRICING, 96, 100, 50)).toBe(17_500); // no pace config: pace ignored
  });
});

describe('stay price', () => {
  it('prices night by night on the occupancy before the booking, then multiplies by rooms', () => {
    const price = priceStay({
      config: DEFAULT_PRICING,
      baseRate: money(12_999, 'EUR'),
      capacity: 70,
      rooms: 2,
      nights: [
        { night: '2026-03-14', soldBefore: 10 }, // 14 %  ×1.0  → 129.99
        { night: '2026-03-15', soldBefore: 49 }, // 70 %  ×1.25 → 162.4875 → 162.49
        { night: '2026-03-16', soldBefore: 67 }, // 95.7 % ×1.75 → 227.4825 → 227.48
      ],
    });
    expect(price.nightly.map((n) => [n.night, n.multiplierBp, n.rate.minor])).toEqual([
      ['2026-03-14', 10_000, 12_999],
      ['2026-03-15', 12_500, 16_249],
      ['2026-03-16', 17_500, 22_748],
    ]);
    expect(price.perRoom).toEqual(money(12_999 + 16_249 + 22_748, 'EUR'));
    expect(price.total).toEqual(money(2 * (12_999 + 16_249 + 22_748), 'EUR'));
  });

  it('keeps zero-decimal currencies whole', () => {
    const price = priceStay({
      config: DEFAULT_PRICING,
      baseRate: money(14_800, 'JPY'),
      capacity: 90,
      rooms: 1,
      nights: [{ night: '2026-07-15', soldBefore: 60 }], // 66.7 % → ×1.1 = 16 280 yen
    });
    expect(price.total).toEqual(money(16_280, 'JPY'));
  });
});

describe('pricing configuration', () => {
  it('accepts the defaults', () => {
    expect(validatePricingConfig(DEFAULT_PRICING)).toBe(DEFAULT_PRICING);
  });

  it('names what is wrong', () => {
    const bad = (config: Partial<PricingConfig>) => () =>
      validatePricingConfig({ ...DEFAULT_PRICING, ...config });
    expect(bad({ demandTiers: [] })).toThrow(/demandTiers is empty/);
    expect(bad({ demandTiers: [{ fromOccupancyPercent: 10, multiplierBp: 10_000 }] })).toThrow(
      /demandTiers\[0\] must start at 0/,
    );
    expect(
      bad({
        demandTiers: [
          { fromOccupancyPercent: 0, multiplierBp: 10_000 },
          { fromOccupancyPercent: 0, multiplierBp: 11_000 },
        ],
      }),
    ).toThrow(/must be above the previous tier's/);
    expect(bad({ demandTiers: [{ fromOccupancyPercent: 0, multiplierBp: 1.5 }] })).toThrow(
      /multiplierBp 1.5/,
    );
    expect(bad({ capBp: 9_000 })).toThrow(PricingConfigError);
    expect(bad({ pace: { windowMs: 0, tiers: [{ fromBookings: 0, multiplierBp: 10_000 }] } })).toThrow(
      /windowMs/,
    );
  });
});
