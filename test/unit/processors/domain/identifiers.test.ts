import { describe, expect, it } from 'vitest';
import {
  assertPaymentToken,
  isPaymentToken,
  looksLikeCardNumber,
  maskToken,
} from '../../../../processors/domain/card-token.js';
import {
  formatConfirmationNumber,
  isConfirmationNumber,
  parseConfirmationNumber,
  tryParseConfirmationNumber,
} from '../../../../processors/domain/confirmation-number.js';
import {
  InvalidConfirmationNumberError,
  PaymentRequestError,
  RawCardDataError,
} from '../../../../processors/errors.js';

describe('confirmation numbers', () => {
  it('formats RSV-<year>-<sequence> with the sequence padded to six digits', () => {
    expect(formatConfirmationNumber(2026, 42)).toBe('RSV-2026-000042');
    expect(formatConfirmationNumber(2026, 999_999)).toBe('RSV-2026-999999');
    expect(formatConfirmationNumber(2027, 1_234_567)).toBe('RSV-2027-1234567');
  });

  it('parses what it formats, and only the canonical spelling', () => {
    for (const [year, sequence] of [
      [2026, 1],
      [2026, 42],
      [2031, 12_345_678],
    ] as const) {
      expect(parseConfirmationNumber(formatConfirmationNumber(year, sequence))).toEqual({ year, sequence });
    }
    for (const bad of [
      'RSV-2026-42',
      'RSV-2026-0000042',
      'rsv-2026-000042',
      'RSV-26-000042',
      'RSV-2026-000000',
      'X',
    ]) {
      expect(tryParseConfirmationNumber(bad)).toBeUndefined();
      expect(isConfirmationNumber(bad)).toBe(false);
    }
  });

  it('explains a bad number', () => {
    expect(() => parseConfirmationNumber('RES-1')).toThrow(InvalidConfirmationNumberError);
    expect(() => parseConfirmationNumber('RES-1')).toThrow(
      /expected RSV-<year>-<sequence>, e.g. RSV-2026-000042/,
    );
    expect(() => formatConfirmationNumber(26, 1)).toThrow(/four digits/);
    expect(() => formatConfirmationNumber(2026, 0)).toThrow(/positive integer/);
  });
});

describe('payment tokens', () => {
  it('recognises card numbers by length and Luhn check, spaced or not', () => {
    expect(looksLikeCardNumber('4111111111111111')).toBe(true);
    expect(looksLikeCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(looksLikeCardNumber('5500-0000-0000-0004')).toBe(true);
    expect(looksLikeCardNumber('4111111111111112')).toBe(false); // fails Luhn
    expect(looksLikeCardNumber('tok_visa_4242')).toBe(false);
    expect(looksLikeCardNumber('123456789012')).toBe(false); // too short
  });

  it('accepts tokens and refuses card numbers without echoing them', () => {
    expect(assertPaymentToken('tok_visa_4242')).toBe('tok_visa_4242');
    expect(() => assertPaymentToken('4111111111111111')).toThrow(RawCardDataError);
    const error = (() => {
      try {
        assertPaymentToken('4111 1111 1111 1111', 'card');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(RawCardDataError);
    expect(error?.message).not.toContain('4111');
    expect(error?.message).toContain('card looks like a raw card number');
    expect(() => assertPaymentToken('short')).toThrow(PaymentRequestError);
    expect(() => assertPaymentToken(undefined)).toThrow(PaymentRequestError);
  });

  it('tells tokens from everything else without throwing', () => {
    expect(isPaymentToken('tok_visa_4242')).toBe(true);
    expect(isPaymentToken('4111111111111111')).toBe(false);
    expect(isPaymentToken('tok visa')).toBe(false);
    expect(isPaymentToken(42)).toBe(false);
  });

  it('masks tokens for logs', () => {
    expect(maskToken('tok_visa_4242')).toBe('…4242');
  });
});
