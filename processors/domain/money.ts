/**
 * Exact money arithmetic in integer minor units (cents, pence, yen).
 *
 * Money never touches a floating-point number: amounts are safe integers of minor units, decimal strings
 * are parsed digit by digit, and the only division (a rate times a multiplier, an average) rounds once,
 * half away from zero, to a whole minor unit. Every function checks that its result is still a safe
 * integer, so an overflow is an error instead of a silently wrong amount.
 */
import { CurrencyMismatchError, InvalidMoneyError } from '../errors.js';

/** ISO 4217 codes the pipeline prices in, with their number of decimal places (minor-unit exponent). */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  SGD: 2,
  JPY: 0,
  KRW: 0,
});

/** An amount of money: a currency and a safe integer number of its minor units. */
export interface Money {
  readonly currency: string;
  /** Minor units (e.g. cents); a safe integer, negative only for refunds and adjustments. */
  readonly minor: number;
}

/** Basis points: 1 bp = 0.01 %, 10 000 bp = 100 % (a multiplier of 1.0). */
export const BASIS_POINTS = 10_000;

/** The minor-unit exponent of a currency; throws for a currency the pipeline does not know. */
export function currencyExponent(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) {
    throw new InvalidMoneyError(
      `currency "${currency}" is not supported; use one of ${Object.keys(CURRENCY_EXPONENTS).join(', ')}`,
    );
  }
  return exponent;
}

/** True when `currency` is a supported ISO 4217 code. */
export function isSupportedCurrency(currency: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency);
}

/** Throws unless `minor` is a safe integer; `what` names the amount in the message. */
export function assertMinor(minor: number, what = 'amount'): number {
  if (!Number.isSafeInteger(minor)) {
    throw new InvalidMoneyError(
      `${what} ${minor} is not a safe integer number of minor units; money is kept in whole minor units`,
    );
  }
  return minor;
}

/**
 * Parses a decimal string such as `"189.00"` or `"12500"` into minor units of `currency`, exactly.
 * More decimal places than the currency has is an error (no silent rounding of prices).
 *
 * @example parseDecimal('189.5', 'USD') // { currency: 'USD', minor: 18950 }
 */
export function parseDecimal(text: string, currency: string): Money {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) {
    throw new InvalidMoneyError(`"${text}" is not a decimal amount; write it like 189.00`);
  }
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new InvalidMoneyError(
      `"${text}" has ${fraction.length} decimal places but ${currency} has ${exponent}; round it in the source`,
    );
  }
  const digits = `${whole}${fraction.padEnd(exponent, '0')}`;
  const minor = Number(digits) * (sign === '-' ? -1 : 1);
  return { currency, minor: assertMinor(minor, `"${text}"`) };
}

/**
 * Formats minor units as a plain decimal string with the currency's number of places, e.g. `18950` USD →
 * `"189.50"`. The inverse of {@link parseDecimal}; used for events and logs, never for arithmetic.
 */
export function formatDecimal(money: Money): string {
  const exponent = currencyExponent(money.currency);
  assertMinor(money.minor);
  const negative = money.minor < 0;
  const digits = String(Math.abs(money.minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/** An amount of `minor` units of `currency`, checked. */
export function money(minor: number, currency: string): Money {
  currencyExponent(currency);
  return { currency, minor: assertMinor(minor) };
}

/** A zero amount of `currency`. */
export function zero(currency: string): Money {
  return money(0, currency);
}

/** `a + b`; both in the same currency. */
export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { currency: a.currency, minor: assertMinor(a.minor + b.minor, 'sum') };
}

/** `a - b`; both in the same currency. */
export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { currency: a.currency, minor: assertMinor(a.minor - b.minor, 'difference') };
}

/** The sum of `amounts`, or zero of `currency` when empty. */
export function sum(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce(add, zero(currency));
}

/** `amount × factor` for an integer factor (rooms, nights). */
export function times(amount: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) {
    throw new InvalidMoneyError(`factor ${factor} must be an integer; use applyBasisPoints for fractions`);
  }
  return { currency: amount.currency, minor: assertMinor(amount.minor * factor, 'product') };
}

/** The smaller of two amounts in the same currency. */
export function min(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return a.minor <= b.minor ? a : b;
}

/** The larger of two amounts in the same currency. */
export function max(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return a.minor >= b.minor ? a : b;
}

/**
 * `amount × basisPoints / 10 000`, rounded once, half away from zero, to a whole minor unit.
 * This is the pricing rounding rule: a nightly price is the base rate times the multiplier, rounded here.
 *
 * @example applyBasisPoints(money(18900, 'USD'), 12_500) // 236.25 USD (18900 × 1.25 = 23625 exactly)
 */
export function applyBasisPoints(amount: Money, basisPoints: number): Money {
  if (!Number.isSafeInteger(basisPoints)) {
    throw new InvalidMoneyError(`basis points ${basisPoints} must be an integer`);
  }
  const product = BigInt(assertMinor(amount.minor)) * BigInt(basisPoints);
  return { currency: amount.currency, minor: roundedQuotient(product, BigInt(BASIS_POINTS)) };
}

/**
 * `numerator / denominator` rounded half away from zero to an integer, computed without floating point
 * error (in BigInt). `denominator` must be a positive integer.
 */
export function divideRounded(numerator: number, denominator: number): number {
  assertMinor(numerator, 'numerator');
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new InvalidMoneyError(`divisor ${denominator} must be a positive integer`);
  }
  return roundedQuotient(BigInt(numerator), BigInt(denominator));
}

/** `n / d` (d > 0) rounded half away from zero; throws when the result is not a safe integer. */
function roundedQuotient(n: bigint, d: bigint): number {
  const magnitude = n < 0n ? -n : n;
  const rounded = (magnitude * 2n + d) / (2n * d);
  return assertMinor(Number(n < 0n ? -rounded : rounded), 'quotient');
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}
