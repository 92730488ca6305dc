import type { Serde } from '../../schemas/serde.js';
import { SerdeError } from '../../schemas/serde.js';

/**
 * UTF-8 strings. `null` passes through as a tombstone. Byte order of UTF-8 follows code-point order, so
 * range scans over string keys are ordered by code point (not by locale).
 */
export function stringSerde(): Serde<string> {
  return {
    name: 'string',
    orderPreserving: true,
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string') {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `string serde got a ${typeof value} for ${describeSlot(context)}; map it to a string first or use Serdes.json()`,
        );
      }
      return Buffer.from(value, 'utf8');
    },
    deserialize(data) {
      if (data === null) return null as unknown as string;
      return data.toString('utf8');
    },
  };
}

/** `key of topic "x"` or `value of topic "x"`, for error messages. */
export function describeSlot(context: { topic: string; isKey: boolean }): string {
  return `the ${context.isKey ? 'key' : 'value'} of topic "${context.topic}"`;
}
