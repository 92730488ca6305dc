/**
 * How tables pass updates downstream: each record carries the new and the old value of its key, so that
 * table aggregations can subtract what they added before (Kafka Streams' `Change<V>`). A null newValue
 * is a deletion.
 */
import type { Serde } from '../../../schemas/serde.js';
import { SerdeError } from '../../../schemas/serde.js';

/** The new and old value of a key in a table. */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

const HAS_NEW = 1;
const HAS_OLD = 2;

/**
 * Carries a Change through a repartition topic: one flag byte, the old value's length (4 bytes) and
 * bytes, then the new value's bytes.
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    name: `change(${inner.name})`,
    serialize(change, context) {
      if (change === null || change === undefined) return null;
      const newBytes = change.newValue === null ? null : inner.serialize(change.newValue, context);
      const oldBytes = change.oldValue === null ? null : inner.serialize(change.oldValue, context);
      const flags = (newBytes === null ? 0 : HAS_NEW) | (oldBytes === null ? 0 : HAS_OLD);
      const header = Buffer.allocUnsafe(5);
      header.writeUInt8(flags, 0);
      header.writeUInt32BE(oldBytes?.length ?? 0, 1);
      return Buffer.concat([header, oldBytes ?? Buffer.alloc(0), newBytes ?? Buffer.alloc(0)]);
    },
    deserialize(data, context) {
      if (data === null || data.length < 5) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `a table change on topic "${context.topic}" is ${data === null ? 'null' : `${data.length} bytes`}, too short; the repartition topic was written by something else`,
        );
      }
      const flags = data.readUInt8(0);
      const oldLength = data.readUInt32BE(1);
      const oldValue = flags & HAS_OLD ? inner.deserialize(data.subarray(5, 5 + oldLength), context) : null;
      const newValue = flags & HAS_NEW ? inner.deserialize(data.subarray(5 + oldLength), context) : null;
      return { newValue, oldValue };
    },
  };
}
