/**
 * Payment tokens. Card data never enters the pipeline: the booking client tokenizes the card with the
 * payment provider and sends only the token, which is what topics, stores and logs may carry. As a last
 * line of defence, anything that looks like a card number (13-19 digits, possibly spaced, passing the Luhn
 * check) is refused where a token is expected, without echoing it.
 */
import { PaymentRequestError, RawCardDataError } from '../errors.js';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** True when `value` looks like a primary account number: 13-19 digits (spaces or dashes allowed) that pass Luhn. */
export function looksLikeCardNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

/** True when `value` has the form of a payment token (8-64 of `A-Z a-z 0-9 _ -`) and is not a card number. */
export function isPaymentToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value) && !looksLikeCardNumber(value);
}

/**
 * Returns `value` when it is an acceptable payment token (8-64 of `A-Z a-z 0-9 _ -`, not a card number).
 * A card number throws a {@link RawCardDataError}, anything else malformed a {@link PaymentRequestError};
 * neither message contains the value.
 */
export function assertPaymentToken(value: unknown, field = 'paymentToken'): string {
  if (typeof value === 'string' && looksLikeCardNumber(value)) throw new RawCardDataError(field);
  if (typeof value !== 'string' || !TOKEN_PATTERN.test(value)) {
    throw new PaymentRequestError(
      `${field} must be a payment token of 8-64 characters (A-Z, a-z, 0-9, _ or -)`,
    );
  }
  return value;
}

/** A token shortened for logs and error messages: its last four characters, e.g. `…0000`. */
export function maskToken(token: string): string {
  return `…${token.slice(-4)}`;
}
