/**
 * Conversions between the domain's exact integers and the event schemas' exact decimal strings:
 * money (minor units ↔ `Money` with scale 2, whatever the currency's own exponent) and ratios (basis
 * points ↔ scale-4 decimals such as `"1.2500"`). No floating point on either side.
 */
import { formatDecimal, parseDecimal } from '../../schemas/decimal.js';
import type { Decimal, Money as EventMoney } from '../../schemas/generated/types.js';
import { currencyExponent, type Money } from '../domain/money.js';
import { InvalidMoneyError } from '../errors.js';

/** Fraction digits of every amount in events (the schemas' `Money.amount` is a scale-2 decimal). */
const EVENT_MONEY_SCALE = 2;

/** Domain money → event money, e.g. 14 800 JPY → `{ amount: "14800.00", currency: "JPY" }`. */
export function toEventMoney(amount: Money): EventMoney {
  const factor = 10n ** BigInt(EVENT_MONEY_SCALE - currencyExponent(amount.currency));
  return {
    amount: formatDecimal(BigInt(amount.minor) * factor, EVENT_MONEY_SCALE),
    currency: amount.currency,
  };
}

/** Event money → domain money; refuses fractions the currency does not have (e.g. `"10.50"` JPY). */
export function fromEventMoney(amount: EventMoney): Money {
  const factor = 10n ** BigInt(EVENT_MONEY_SCALE - currencyExponent(amount.currency));
  const unscaled = parseDecimal(amount.amount, EVENT_MONEY_SCALE);
  if (unscaled % factor !== 0n) {
    throw new InvalidMoneyError(`${amount.amount} ${amount.currency} has fractions of a minor unit`);
  }
  const minor = Number(unscaled / factor);
  if (!Number.isSafeInteger(minor)) throw new InvalidMoneyError(`${amount.amount} is too large`);
  return { currency: amount.currency, minor };
}

/** Basis points → a scale-4 decimal: 12 500 → `"1.2500"`, 8 500 → `"0.8500"`. */
export function basisPointsToDecimal(basisPoints: number): Decimal {
  return formatDecimal(BigInt(basisPoints), 4);
}
