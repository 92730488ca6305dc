/**
 * kafkajs' protocol `Encoder` without a new zero-filled buffer per encoder.
 *
 * kafkajs builds each request from nested encoders (one per record, per record batch, and per topic and
 * per partition of every fetch request: 108 partitions per fetch of the reservation pipeline's stream
 * thread), and each starts with `Buffer.alloc(512)`, a backing store of its own filled with zeros; a varint
 * goes through a `Buffer.from(array)` of its own. In a CPU profile of the pipeline at 10,000 reservations a
 * minute those allocations took about 6 % of the instance's busy time (bench/RESULTS.md). Here an encoder
 * starts on Node's shared buffer pool (`Buffer.allocUnsafe`), grows the same way, and writes varints in
 * place.
 *
 * Uninitialised bytes never leave an encoder: every write of kafkajs' `Encoder` lands at `offset` and moves
 * it by exactly what it wrote, growth copies the written prefix only, and `buffer` is the written prefix.
 * Swapped into the module cache before kafkajs loads (as the aborted-record filter); when an application
 * loaded kafkajs first, its own encoder stays, which is only slower.
 */
import type { createRequire } from 'node:module';

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): KafkajsEncoder;
}

interface EncoderClass {
  readonly prototype: KafkajsEncoder;
  nextPowerOfTwo(value: number): number;
}

const MARK = Symbol.for('tstreams.kafkajs.pooledEncoder');

/** Replaces kafkajs' `protocol/encoder.js` export, unless kafkajs' protocol is loaded already. */
export function installPooledEncoder(require: ReturnType<typeof createRequire>): boolean {
  const path = require.resolve('kafkajs/src/protocol/encoder.js');
  const loaded = require.cache[path];
  if (loaded !== undefined) return (loaded.exports as Record<symbol, unknown>)[MARK] === true;
  const Original = require(path) as EncoderClass;
  const cached = require.cache[path];
  if (cached === undefined) return false;
  const proto = Original.prototype;

  // Called with `new`: the object returned replaces `this`, so `new Encoder(size)` gets a pooled one.
  function PooledEncoder(initialSize = 511): KafkajsEncoder {
    const encoder = Object.create(proto) as KafkajsEncoder;
    encoder.buf = Buffer.allocUnsafe(Original.nextPowerOfTwo(initialSize));
    encoder.offset = 0;
    return encoder;
  }
  Object.setPrototypeOf(PooledEncoder, Original); // the static helpers (sizeOfVarInt, encodeZigZag, ...)
  PooledEncoder.prototype = proto;

  proto.ensureAvailable = function (this: KafkajsEncoder, length: number): void {
    if (this.offset + length <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Original.nextPowerOfTwo(this.offset + length));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
  // kafkajs' LEB128 loop, written into the buffer (at most 5 bytes for 32 bits).
  proto.writeUVarInt = function (this: KafkajsEncoder, value: number): KafkajsEncoder {
    this.ensureAvailable(5);
    let rest = value;
    while ((rest & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buf[this.offset++] = rest & 0x7f;
    return this;
  };

  Object.assign(PooledEncoder, { [MARK]: true });
  cached.exports = PooledEncoder;
  return true;
}
