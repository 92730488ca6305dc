import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { describe, expect, it } from 'vitest';
import { pooledEncoderInstalled } from '../../../topology/internal/kafka/kafkajs/kafkajs-module.js';

const require = createRequire(import.meta.url);
const encoderPath = require.resolve('kafkajs/src/protocol/encoder.js');

interface Encoder {
  writeInt8(v: number): Encoder;
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: number | string): Encoder;
  writeString(v: string | null): Encoder;
  writeVarIntString(v: string | null): Encoder;
  writeBytes(v: Buffer | string | null): Encoder;
  writeVarIntBytes(v: Buffer | string | null): Encoder;
  writeVarInt(v: number): Encoder;
  writeUVarInt(v: number): Encoder;
  writeVarLong(v: number | string): Encoder;
  writeArray(v: unknown[]): Encoder;
  writeVarIntArray(v: unknown[]): Encoder;
  writeEncoder(v: Encoder): Encoder;
  readonly buffer: Buffer;
}
type EncoderClass = new (size?: number) => Encoder;

/** The kafkajs encoder as kafkajs ships it: its source compiled into a module of its own. */
function originalEncoder(): EncoderClass {
  const module = new Module(encoderPath) as Module & { _compile(source: string, path: string): void };
  module.filename = encoderPath;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    encoderPath.replace(/\/[^/]+$/, ''),
  );
  module._compile(readFileSync(encoderPath, 'utf8'), encoderPath);
  return module.exports as EncoderClass;
}

/** A request-shaped sequence of writes: nested encoders, strings, bytes, varints of every width. */
function encode(Encoder: EncoderClass): Buffer {
  const record = (i: number) =>
    new Encoder()
      .writeInt8(0)
      .writeVarLong(1_700_000_000_000 + i)
      .writeVarInt(i)
      .writeVarIntBytes(Buffer.from(`key-${i}`))
      .writeVarIntBytes(i % 3 === 0 ? null : Buffer.alloc(300 + i, i))
      .writeVarIntArray([new Encoder().writeVarIntString(`h${i}`).writeVarIntBytes(Buffer.from('v'))]);
  const partitions = Array.from({ length: 40 }, (_, p) =>
    new Encoder()
      .writeInt32(p)
      .writeInt32(-1)
      .writeInt64(String(123_456_789 + p))
      .writeInt32(65_536),
  );
  const varints = new Encoder();
  for (const value of [0, 1, -1, 63, 64, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31), 2 ** 21 + 5])
    varints.writeVarInt(value).writeUVarInt(Math.abs(value) >>> 0);
  return new Encoder()
    .writeInt16(1)
    .writeString('tstreams-client')
    .writeString(null)
    .writeArray([new Encoder().writeString('reservation.created').writeArray(partitions)])
    .writeEncoder(varints)
    .writeBytes(Buffer.concat(Array.from({ length: 25 }, (_, i) => record(i).buffer)))
    .writeArray(['a', 'bb', 'ccc']).buffer;
}

/** Fills Node's shared buffer pool with `byte`, so that a read of unwritten memory would show. */
function poisonPool(byte: number): void {
  for (let i = 0; i < 64; i++) Buffer.allocUnsafe(512).fill(byte);
}

describe("kafkajs' protocol encoder on the buffer pool (pooled-encoder.ts)", () => {
  it('is installed when the library loads kafkajs', () => {
    expect(pooledEncoderInstalled).toBe(true);
  });

  it("writes byte for byte what kafkajs' own encoder writes, whatever the pool held before", () => {
    const Pooled = require(encoderPath) as EncoderClass;
    const Original = originalEncoder();
    expect(Pooled).not.toBe(Original);
    const expected = encode(Original);
    poisonPool(0xaa);
    const first = encode(Pooled);
    poisonPool(0x55);
    const second = encode(Pooled);
    expect(first.equals(expected)).toBe(true);
    expect(second.equals(expected)).toBe(true);
  });

  it('keeps the static helpers and instanceof of the class it replaces', () => {
    const Pooled = require(encoderPath) as EncoderClass & { sizeOfVarInt(v: number): number };
    expect(Pooled.sizeOfVarInt(300)).toBe(2);
    expect(new Pooled()).toBeInstanceOf(Pooled);
  });
});
