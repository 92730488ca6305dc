import { describe, expect, it } from 'vitest';
import {
  add,
  applyBasisPoints,
  divideRounded,
  formatDecimal,
  money,
  parseDecimal,
  subtract,
  sum,
  times,
} from '../../../../processors/domain/money.js';
import { CurrencyMismatchError, InvalidMoneyError } from '../../../../processors/errors.js';

describe('money', () => {
  it('parses decimal strings exactly into minor units', () => {
    expect(parseDecimal('189.00', 'USD')).toEqual({ currency: 'USD', minor: 18_900 });
    expect(parseDecimal('189.5', 'EUR')).toEqual({ currency: 'EUR', minor: 18_950 });
    expect(parseDecimal('0.07', 'EUR')).toEqual({ currency: 'EUR', minor: 7 });
    expect(parseDecimal('14800', 'JPY')).toEqual({ currency: 'JPY', minor: 14_800 });
    expect(parseDecimal('-12.34', 'GBP')).toEqual({ currency: 'GBP', minor: -1234 });
  });

  it('refuses more decimals than the currency has, junk, and unknown currencies', () => {
    expect(() => parseDecimal('1.005', 'USD')).toThrow(/3 decimal places but USD has 2/);
    expect(() => parseDecimal('100.5', 'JPY')).toThrow(InvalidMoneyError);
    expect(() => parseDecimal('1e3', 'USD')).toThrow(/not a decimal amount/);
    expect(() => parseDecimal('12', 'XXX')).toThrow(/currency "XXX" is not supported/);
  });

  it('formats minor units back to the same decimal string', () => {
    for (const [text, currency] of [
      ['189.00', 'USD'],
      ['0.07', 'EUR'],
      ['-12.34', 'GBP'],
      ['14800', 'JPY'],
      ['0.00', 'CHF'],
    ] as const) {
      expect(formatDecimal(parseDecimal(text, currency))).toBe(text);
    }
  });

  it('adds where floating point would not: 0.10 + 0.20 is exactly 0.30', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    const total = add(parseDecimal('0.10', 'USD'), parseDecimal('0.20', 'USD'));
    expect(formatDecimal(total)).toBe('0.30');
  });

  it('sums, subtracts and multiplies by whole factors', () => {
    const rates = ['129.00', '141.90', '161.25'].map((r) => parseDecimal(r, 'EUR'));
    expect(sum(rates, 'EUR')).toEqual(money(43_215, 'EUR'));
    expect(sum([], 'EUR')).toEqual(money(0, 'EUR'));
    expect(times(money(14_190, 'EUR'), 3)).toEqual(money(42_570, 'EUR'));
    expect(subtract(money(100, 'EUR'), money(250, 'EUR'))).toEqual(money(-150, 'EUR'));
    expect(() => times(money(100, 'EUR'), 1.5)).toThrow(InvalidMoneyError);
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(CurrencyMismatchError);
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(/cannot combine EUR and USD/);
  });

  it('applies basis points with one rounding, half away from zero', () => {
    // 129.00 × 1.1 = 141.90 exactly; 129.99 × 1.25 = 162.4875 → 162.49; 0.05 × 1.1 = 0.055 → 0.06.
    expect(applyBasisPoints(money(12_900, 'EUR'), 11_000)).toEqual(money(14_190, 'EUR'));
    expect(applyBasisPoints(money(12_999, 'EUR'), 12_500)).toEqual(money(16_249, 'EUR'));
    expect(applyBasisPoints(money(5, 'EUR'), 11_000)).toEqual(money(6, 'EUR'));
    expect(applyBasisPoints(money(-5, 'EUR'), 11_000)).toEqual(money(-6, 'EUR'));
    expect(applyBasisPoints(money(14_800, 'JPY'), 17_500)).toEqual(money(25_900, 'JPY'));
  });

  it('divides with half-away-from-zero rounding and refuses results beyond safe integers', () => {
    expect(divideRounded(5, 2)).toBe(3);
    expect(divideRounded(-5, 2)).toBe(-3);
    expect(divideRounded(7, 3)).toBe(2);
    expect(divideRounded(8, 3)).toBe(3);
    expect(() => divideRounded(1, 0)).toThrow(/positive integer/);
    expect(() => applyBasisPoints(money(Number.MAX_SAFE_INTEGER, 'USD'), 20_000)).toThrow(
      /not a safe integer/,
    );
    expect(() => money(0.5, 'USD')).toThrow(/whole minor units/);
  });
});
