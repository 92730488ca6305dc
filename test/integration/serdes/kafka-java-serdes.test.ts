import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKafkaJars } from '../../../stack/artifacts.js';
import { findJava } from '../../../stack/java.js';
import { stackPaths } from '../../../stack/paths.js';
import type { Serde } from '../../../topology/index.js';
import { Serdes } from '../../../topology/index.js';

const ctx = { topic: 't', isKey: false };
const PROGRAM = fileURLToPath(new URL('./fixtures/KafkaSerdes.java', import.meta.url));

/** Each case: Kafka's serde name, ours, a value, the value as Java parses and prints it. */
interface Case {
  readonly type: string;
  readonly serde: () => Serde<unknown>;
  readonly value: unknown;
  /** The value as text for the Java side (`String` and `ByteArray` as UTF-8 hex). */
  readonly text: string;
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');

// Kafka's SerializationTest values, plus edges of each range and text beyond ASCII.
const CASES: Case[] = [
  ...[32767, -32768, 0, -1].map((value) => ({
    type: 'Short',
    serde: Serdes.Short,
    value,
    text: String(value),
  })),
  ...[423412424, -41243432, 2147483647, -2147483648].map((value) => ({
    type: 'Integer',
    serde: Serdes.Integer,
    value,
    text: String(value),
  })),
  ...[0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER].map((value) => ({
    type: 'Long',
    serde: Serdes.Long,
    value,
    text: String(value),
  })),
  ...[922337203685477580n, -922337203685477581n, 2n ** 63n - 1n, -(2n ** 63n)].map((value) => ({
    type: 'Long',
    serde: Serdes.LongAsBigInt,
    value,
    text: String(value),
  })),
  ...[5678567, -5678567, 0.5, 3.4028234663852886e38].map((value) => ({
    type: 'Float',
    serde: Serdes.Float,
    value,
    text: String(value),
  })),
  ...[5678567.12312, -5678567.12341, Number.MIN_VALUE, Number.MAX_VALUE].map((value) => ({
    type: 'Double',
    serde: Serdes.Double,
    value,
    text: String(value),
  })),
  ...['my string', 'héllo wörld ✓ 🚀', ''].map((value) => ({
    type: 'String',
    serde: Serdes.String,
    value,
    text: hexOf(value),
  })),
  {
    type: 'ByteArray',
    serde: Serdes.ByteArray,
    value: Buffer.from([0, 1, 254, 255]),
    text: '0001feff',
  },
  ...['123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000000'].map((value) => ({
    type: 'UUID',
    serde: Serdes.UUID,
    value,
    text: value,
  })),
];

/** Runs Kafka's serdes (the kafka-clients jar of the local stack) over `requests`, one answer a line. */
async function askJava(requests: string[]): Promise<string[]> {
  const lib = await ensureKafkaJars(stackPaths(), () => {});
  const java = await findJava(17, "Kafka's serdes");
  return new Promise((resolve, reject) => {
    const child = execFile(
      java.executable,
      ['-cp', join(lib, '*'), PROGRAM],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${error.message}\n${stderr}`))
          : resolve(stdout.split('\n').slice(0, requests.length)),
    );
    child.stdin!.end(`${requests.join('\n')}\n`);
  });
}

// Interoperability with Kafka's own serdes, run in Java from the kafka-clients jar of the local stack: a
// Java producer and we write the same bytes for a value, and each reads what the other wrote.
describe("Serdes against Kafka's Java serdes", () => {
  let javaWrote: string[];
  let javaRead: string[];

  beforeAll(async () => {
    const ours = CASES.map((c) => c.serde().serialize(c.value, ctx)!.toString('hex'));
    const answers = await askJava([
      ...CASES.map((c) => `ser ${c.type} ${c.text}`),
      ...CASES.map((c, i) => `de ${c.type} ${ours[i]}`),
    ]);
    javaWrote = answers.slice(0, CASES.length);
    javaRead = answers.slice(CASES.length);
  }, 120_000);

  it.each(CASES.map((c, i) => [c.type, Buffer.isBuffer(c.value) ? c.text : String(c.value), i] as const))(
    '%s %s: the same bytes as Kafka’s serializer, and each side reads the other’s',
    (_type, _shown, i) => {
      const c = CASES[i]!;
      const serde = c.serde();
      const ours = serde.serialize(c.value, ctx)!.toString('hex');
      expect(ours).toBe(javaWrote[i]);
      expect(serde.deserialize(Buffer.from(javaWrote[i]!, 'hex'), ctx)).toEqual(c.value);
      // Java prints numbers its own way (5678567.0, 1.0E-45...): compare them as numbers.
      const read = javaRead[i]!;
      // Java prints a float in the fewest digits that name it among floats, hence the rounding.
      if (c.type === 'Float') expect(Math.fround(Number(read))).toBe(c.value);
      else if (c.type === 'Double') expect(Number(read)).toBe(c.value);
      else if (c.type === 'Long') expect(BigInt(read)).toBe(BigInt(c.value as number | bigint));
      else if (c.type === 'Short' || c.type === 'Integer') expect(Number(read)).toBe(c.value);
      else expect(read).toBe(c.text);
    },
  );
});
