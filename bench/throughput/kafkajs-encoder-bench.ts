/**
 * CPU of kafkajs' request encoding with the adapter's pooled encoder (`pooled-encoder.ts`) against kafkajs'
 * own encoder, in one process, rounds interleaved: a fetch request naming 9 topics of 12 partitions (the
 * reservation pipeline's stream thread) and a produce-style record batch of 50 records of 200 bytes, 3,000
 * of each per round. Prints CPU ms per round and the median ratio. Besides the raw peer loops, the one
 * bench file that loads kafkajs itself: it measures a patch of the kafkajs adapter.
 *
 * Run: `npx tsx bench/throughput/kafkajs-encoder-bench.ts [rounds=5]`.
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { pooledEncoderInstalled } from '../../topology/internal/kafka/kafkajs/kafkajs-module.js';

interface Encoder {
  writeInt8(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: number | string): Encoder;
  writeString(v: string): Encoder;
  writeBytes(v: Buffer): Encoder;
  writeVarInt(v: number): Encoder;
  writeVarLong(v: number): Encoder;
  writeVarIntBytes(v: Buffer): Encoder;
  writeArray(v: unknown[]): Encoder;
  writeVarIntArray(v: unknown[]): Encoder;
  readonly buffer: Buffer;
}
type EncoderClass = new () => Encoder;

const require = createRequire(import.meta.url);
const path = require.resolve('kafkajs/src/protocol/encoder.js');

/** kafkajs' encoder as shipped: its source compiled into a module of its own. */
function shippedEncoder(): EncoderClass {
  const module = new Module(path) as Module & { _compile(source: string, file: string): void };
  module.filename = path;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.replace(/\/[^/]+$/, ''),
  );
  module._compile(readFileSync(path, 'utf8'), path);
  return module.exports as EncoderClass;
}

function fetchRequest(E: EncoderClass): Buffer {
  const topics = Array.from({ length: 9 }, (_, t) =>
    new E()
      .writeString(`topic-${t}`)
      .writeArray(
        Array.from({ length: 12 }, (_, p) =>
          new E().writeInt32(p).writeInt32(-1).writeInt64('12345').writeInt64(-1).writeInt32(65_536),
        ),
      ),
  );
  return new E().writeInt32(-1).writeInt32(10).writeInt32(1).writeInt32(1e6).writeInt8(1).writeArray(topics)
    .buffer;
}

function recordBatch(E: EncoderClass): Buffer {
  const records = Array.from(
    { length: 50 },
    (_, i) =>
      new E()
        .writeInt8(0)
        .writeVarLong(i)
        .writeVarInt(i)
        .writeVarIntBytes(Buffer.from(`key-${i}`))
        .writeVarIntBytes(Buffer.alloc(200, 1))
        .writeVarIntArray([]).buffer,
  );
  return new E().writeBytes(Buffer.concat(records)).buffer;
}

function cpuMs(E: EncoderClass): number {
  const start = process.cpuUsage();
  for (let i = 0; i < 3_000; i++) {
    fetchRequest(E);
    recordBatch(E);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

if (!pooledEncoderInstalled) throw new Error('the pooled encoder is not installed');
const pooled = require(path) as EncoderClass;
const shipped = shippedEncoder();
const rounds = Number(process.argv[2] ?? 5);
const ms = { shipped: [] as number[], pooled: [] as number[] };
cpuMs(shipped);
cpuMs(pooled);
for (let round = 1; round <= rounds; round++) {
  ms.shipped.push(cpuMs(shipped));
  ms.pooled.push(cpuMs(pooled));
  console.log(
    `round ${round}: kafkajs' encoder ${ms.shipped.at(-1)!.toFixed(0)} ms, pooled ${ms.pooled.at(-1)!.toFixed(0)} ms`,
  );
}
console.log(
  `median: kafkajs' encoder ${median(ms.shipped).toFixed(0)} ms, pooled ${median(ms.pooled).toFixed(0)} ms, ratio ${(median(ms.pooled) / median(ms.shipped)).toFixed(2)}`,
);
