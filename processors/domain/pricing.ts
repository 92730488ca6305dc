/**
 * Dynamic pricing: a demand multiplier on the base rate from the occupancy of (property, room type,
 * night), in tiers with a cap, optionally raised by the booking pace of a recent window.
 *
 * Exact rules (all integer arithmetic, multipliers in basis points, 10 000 bp = ×1.0):
 * 1. occupancy = sold / capacity, compared exactly (`sold × 100 ≥ capacity × fromOccupancyPercent`); a
 *    tier applies from its lower bound inclusive, so with the defaults 50 % is ×1.1 and 95 % is ×1.75.
 *    `sold` is the count BEFORE the reservation being priced: the guest pays the rate that was on offer.
 * 2. multiplier = min(cap, round(demand × pace / 10 000)), the rounding half away from zero.
 * 3. nightly rate = round(base rate × multiplier / 10 000) to a whole minor unit, half away from zero.
 *    This is the only rounding of a price.
 * 4. stay price = Σ nightly rate × rooms, exact.
 */
import { PricingConfigError } from '../errors.js';
import type { LocalDate } from './local-date.js';
import { applyBasisPoints, BASIS_POINTS, divideRounded, type Money, sum, times } from './money.js';

/** From this occupancy (inclusive, whole percent) upwards, this multiplier applies. */
export interface DemandTier {
  readonly fromOccupancyPercent: number;
  readonly multiplierBp: number;
}

/** From this many bookings in the pace window (inclusive) upwards, this extra multiplier applies. */
export interface PaceTier {
  readonly fromBookings: number;
  readonly multiplierBp: number;
}

/** Tiers, cap and the optional pace factor. */
export interface PricingConfig {
  /** Ascending by `fromOccupancyPercent`, the first starting at 0. */
  readonly demandTiers: readonly DemandTier[];
  /** The highest combined multiplier, e.g. 20 000 (×2.0). */
  readonly capBp: number;
  /** Booking pace of (property, room type) in a trailing window; omitted means no pace factor. */
  readonly pace?: {
    /** Length of the trailing window, in ms of event time. */
    readonly windowMs: number;
    /** Ascending by `fromBookings`, the first starting at 0. */
    readonly tiers: readonly PaceTier[];
  };
}

/** <50 % ×1.0, 50-70 % ×1.1, 70-85 % ×1.25, 85-95 % ×1.5, ≥95 % ×1.75, cap ×2.0, no pace factor. */
export const DEFAULT_PRICING: PricingConfig = Object.freeze({
  demandTiers: Object.freeze([
    { fromOccupancyPercent: 0, multiplierBp: 10_000 },
    { fromOccupancyPercent: 50, multiplierBp: 11_000 },
    { fromOccupancyPercent: 70, multiplierBp: 12_500 },
    { fromOccupancyPercent: 85, multiplierBp: 15_000 },
    { fromOccupancyPercent: 95, multiplierBp: 17_500 },
  ]),
  capBp: 20_000,
});

/** The price of one night of one room. */
export interface NightlyPrice {
  readonly night: LocalDate;
  /** Rooms sold that night before this reservation, the input of the demand tier. */
  readonly soldBefore: number;
  readonly multiplierBp: number;
  readonly rate: Money;
}

/** A priced stay: what `rate.applied` and the reservation's pricing details record. */
export interface StayPrice {
  readonly nightly: readonly NightlyPrice[];
  readonly rooms: number;
  /** Σ nightly rates: the price of one room for the stay. */
  readonly perRoom: Money;
  /** `perRoom × rooms`: what the guest pays and what payment authorises. */
  readonly total: Money;
}

/** Throws a {@link PricingConfigError} naming the first inconsistency of `config`. */
export function validatePricingConfig(config: PricingConfig): PricingConfig {
  checkTiers(
    config.demandTiers.map((t) => [t.fromOccupancyPercent, t.multiplierBp]),
    'demandTiers',
  );
  if (!Number.isSafeInteger(config.capBp) || config.capBp < BASIS_POINTS) {
    throw new PricingConfigError(
      `capBp ${config.capBp} must be a whole number of basis points ≥ 10000 (×1.0)`,
    );
  }
  if (config.pace !== undefined) {
    if (!Number.isSafeInteger(config.pace.windowMs) || config.pace.windowMs <= 0) {
      throw new PricingConfigError(
        `pace.windowMs ${config.pace.windowMs} must be a positive whole number of ms`,
      );
    }
    checkTiers(
      config.pace.tiers.map((t) => [t.fromBookings, t.multiplierBp]),
      'pace.tiers',
    );
  }
  return config;
}

/** The demand multiplier (bp) for `sold` rooms out of `capacity`. */
export function demandMultiplierBp(config: PricingConfig, sold: number, capacity: number): number {
  let multiplier = config.demandTiers[0]?.multiplierBp ?? BASIS_POINTS;
  for (const tier of config.demandTiers) {
    if (sold * 100 >= capacity * tier.fromOccupancyPercent) multiplier = tier.multiplierBp;
  }
  return multiplier;
}

/** The pace multiplier (bp) for `recentBookings` in the window; ×1.0 without a pace config. */
export function paceMultiplierBp(config: PricingConfig, recentBookings: number): number {
  let multiplier = BASIS_POINTS;
  for (const tier of config.pace?.tiers ?? []) {
    if (recentBookings >= tier.fromBookings) multiplier = tier.multiplierBp;
  }
  return multiplier;
}

/** Demand × pace, rounded to a whole basis point, then capped. */
export function multiplierBp(
  config: PricingConfig,
  sold: number,
  capacity: number,
  recentBookings = 0,
): number {
  const combined = demandMultiplierBp(config, sold, capacity) * paceMultiplierBp(config, recentBookings);
  return Math.min(config.capBp, divideRounded(combined, BASIS_POINTS));
}

/** The rate of one room for one night: `baseRate × multiplier`, rounded to a minor unit. */
export function nightlyRate(baseRate: Money, multiplier: number): Money {
  return applyBasisPoints(baseRate, multiplier);
}

/** Inputs of {@link priceStay}. */
export interface StayPricingInput {
  readonly config: PricingConfig;
  readonly baseRate: Money;
  readonly capacity: number;
  readonly rooms: number;
  /** Each night with the rooms sold before this reservation. */
  readonly nights: ReadonlyArray<{ readonly night: LocalDate; readonly soldBefore: number }>;
  /** Bookings of this (property, room type) in the pace window; ignored without a pace config. */
  readonly recentBookings?: number;
}

/** Prices a stay night by night under the rules at the top of this file. */
export function priceStay(input: StayPricingInput): StayPrice {
  const nightly = input.nights.map(({ night, soldBefore }) => {
    const m = multiplierBp(input.config, soldBefore, input.capacity, input.recentBookings ?? 0);
    return { night, soldBefore, multiplierBp: m, rate: nightlyRate(input.baseRate, m) };
  });
  const perRoom = sum(
    nightly.map((n) => n.rate),
    input.baseRate.currency,
  );
  return { nightly, rooms: input.rooms, perRoom, total: times(perRoom, input.rooms) };
}

function checkTiers(tiers: ReadonlyArray<readonly [number, number]>, name: string): void {
  if (tiers.length === 0)
    throw new PricingConfigError(`${name} is empty; give at least one tier starting at 0`);
  if (tiers[0]![0] !== 0)
    throw new PricingConfigError(`${name}[0] must start at 0 so every value has a tier`);
  tiers.forEach(([from, multiplier], i) => {
    if (!Number.isSafeInteger(from) || from < 0) {
      throw new PricingConfigError(`${name}[${i}] lower bound ${from} must be a whole number ≥ 0`);
    }
    if (i > 0 && from <= tiers[i - 1]![0]) {
      throw new PricingConfigError(`${name}[${i}] lower bound ${from} must be above the previous tier's`);
    }
    if (!Number.isSafeInteger(multiplier) || multiplier <= 0) {
      throw new PricingConfigError(
        `${name}[${i}] multiplierBp ${multiplier} must be a positive whole number`,
      );
    }
  });
}
