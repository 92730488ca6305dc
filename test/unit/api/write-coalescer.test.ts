import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from '../../../api/db/write-coalescer.js';

/** A batch writer whose batches finish when the test says so. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  const write = (items: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push([...items]);
      gates.push({ resolve, reject });
    });
  return { batches, gates, write };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteCoalescer', () => {
  it('writes an item at once when idle, and queues the rest into one batch per free slot, in order', async () => {
    const writer = gatedWriter();
    const coalescer = new WriteCoalescer(writer.write, { maxInFlight: 1, maxBatch: 100 });
    const done: number[] = [];
    const writes = [1, 2, 3, 4].map((n) => coalescer.write(n).then(() => done.push(n)));
    expect(writer.batches).toEqual([[1]]);
    await settled();
    expect(done).toEqual([]);
    writer.gates[0]!.resolve();
    await settled();
    // 1 is written; 2, 3 and 4 queued meanwhile and go out together.
    expect(done).toEqual([1]);
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    writer.gates[1]!.resolve();
    await Promise.all(writes);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('keeps at most maxInFlight batches of at most maxBatch items', async () => {
    const writer = gatedWriter();
    const coalescer = new WriteCoalescer(writer.write, { maxInFlight: 2, maxBatch: 2 });
    const writes = [1, 2, 3, 4, 5, 6, 7].map((n) => coalescer.write(n));
    expect(writer.batches).toEqual([[1], [2]]);
    expect(coalescer.inFlight).toBe(2);
    writer.gates[0]!.resolve();
    await settled();
    expect(writer.batches).toEqual([[1], [2], [3, 4]]);
    writer.gates[1]!.resolve();
    await settled();
    expect(writer.batches).toEqual([[1], [2], [3, 4], [5, 6]]);
    for (const gate of writer.gates.slice(2)) gate.resolve();
    await settled();
    writer.gates[4]!.resolve();
    await Promise.all(writes);
    expect(writer.batches).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
    expect(coalescer.inFlight).toBe(0);
  });

  it('rejects exactly the items of a failed batch with its error; later batches go on', async () => {
    const writer = gatedWriter();
    const coalescer = new WriteCoalescer(writer.write, { maxInFlight: 1 });
    const first = coalescer.write(1);
    const second = coalescer.write(2);
    const third = coalescer.write(3);
    const failure = new Error('connection lost');
    writer.gates[0]!.resolve();
    await settled();
    writer.gates[1]!.reject(failure);
    await expect(second).rejects.toBe(failure);
    await expect(third).rejects.toBe(failure);
    await expect(first).resolves.toBeUndefined();
    const fourth = coalescer.write(4);
    expect(writer.batches.at(-1)).toEqual([4]);
    writer.gates[2]!.resolve();
    await expect(fourth).resolves.toBeUndefined();
  });
});
