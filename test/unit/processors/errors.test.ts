import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../processors/errors.js';
import { RESERVATION_ERROR_CODES, ReservationError } from '../../../processors/errors.js';

const doc = readFileSync(new URL('../../../docs/reservation-errors.md', import.meta.url), 'utf8');

describe('reservation error codes', () => {
  it('are all documented, each with its class and retriable flag', () => {
    // Cells may be padded (the formatter aligns the table).
    const documented = [...doc.matchAll(/\| `(RSV_ERR_\w+)` +\| `(\w+)` +\| (yes|no) +\|/g)];
    expect(documented.map((m) => m[1])).toEqual([...RESERVATION_ERROR_CODES]);
    for (const [, code, className, retriable] of documented) {
      const ErrorClass = (errors as Record<string, unknown>)[className!];
      expect(typeof ErrorClass, `${className} is exported`).toBe('function');
      expect(
        ErrorClass === ReservationError ||
          (ErrorClass as { prototype: unknown }).prototype instanceof ReservationError,
      ).toBe(true);
      expect({ code, retriable: retriable === 'yes' }).toEqual({
        code,
        retriable: ['RSV_ERR_PAYMENT_UNAVAILABLE', 'RSV_ERR_PAYMENT_CIRCUIT_OPEN'].includes(code!),
      });
    }
  });

  it('carry the code in the message, a code-free detail, and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new errors.PaymentUnavailableError('authorize', 'connection reset', { cause });
    expect(error).toBeInstanceOf(ReservationError);
    expect(error.name).toBe('PaymentUnavailableError');
    expect(error.code).toBe('RSV_ERR_PAYMENT_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message.startsWith('RSV_ERR_PAYMENT_UNAVAILABLE: payment gateway authorize failed')).toBe(
      true,
    );
    expect(error.detail.startsWith('payment gateway authorize failed')).toBe(true);
    expect(new errors.UnknownPropertyError('X').retriable).toBe(false);
  });
});
