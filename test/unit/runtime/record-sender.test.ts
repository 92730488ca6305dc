import { describe, expect, it } from 'vitest';
import { KafkaFacadeError } from '../../../topology/internal/kafka/errors.js';
import type { SendFailure } from '../../../topology/internal/kafka/producer.js';
import type { OutgoingRecord } from '../../../topology/internal/kafka/types.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import {
  type PendingRecord,
  RecordSender,
  type RecordSink,
} from '../../../topology/runtime/record-sender.js';

/** An in-memory sink whose sends complete when the test says so, refusing records whose value is `bad`. */
class ControlledSink implements RecordSink {
  readonly requests: OutgoingRecord[][] = [];
  readonly written: OutgoingRecord[] = [];
  #pending: Array<() => void> = [];

  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    this.requests.push([...records]);
    return new Promise((resolve) => {
      this.#pending.push(() => {
        const failures: SendFailure[] = [];
        for (const record of records) {
          if (record.value?.toString() === 'bad') {
            failures.push({
              record,
              error: new KafkaFacadeError('STRM_ERR_KAFKA_RECORD_TOO_LARGE', 'too large'),
            });
          } else this.written.push(record);
        }
        resolve(failures);
      });
    });
  }

  /** Completes the oldest send in flight. */
  async complete(): Promise<void> {
    this.#pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }

  get inFlight(): number {
    return this.#pending.length;
  }
}

const record = (taskId: string, value: string): PendingRecord => ({
  topic: 'out',
  partition: 0,
  key: null,
  value: Buffer.from(value),
  timestamp: 1,
  taskId,
  source: { topic: 'in', partition: 0, offset: 7 },
});

function setup(decision: 'continue' | 'fail' = 'continue', chunkSize = 3) {
  const sink = new ControlledSink();
  const events = createStreamsEventEmitter();
  const produced: Array<[string, number]> = [];
  events.on('recordsProduced', (event) => produced.push([event.taskId, event.count]));
  const fatal: Error[] = [];
  const sender = new RecordSender(sink, {
    chunkSize,
    events,
    onFailure: () => decision,
    onFatal: (error) => fatal.push(error),
  });
  return { sink, sender, produced, fatal };
}

describe('RecordSender', () => {
  it('keeps one send in flight and ships what accumulated meanwhile in the next, in order', async () => {
    const { sink, sender, produced } = setup();
    sender.add(record('0_0', 'a'));
    sender.dispatch();
    expect(sink.inFlight).toBe(1);
    sender.add(record('0_0', 'b'));
    sender.add(record('0_1', 'c'));
    sender.dispatch(); // fewer than a chunk while a send is in flight: wait
    expect(sink.requests).toHaveLength(1);
    expect(sender.buffered).toBe(3);
    await sink.complete(); // its completion sends what waited
    expect(sink.requests.map((r) => r.map((x) => x.value!.toString()))).toEqual([['a'], ['b', 'c']]);
    const flushed = sender.flush();
    await sink.complete();
    await flushed;
    expect(sink.written.map((r) => r.value!.toString())).toEqual(['a', 'b', 'c']);
    expect(produced).toEqual([
      ['0_0', 1],
      ['0_0', 1],
      ['0_1', 1],
    ]);
    expect(sender.buffered).toBe(0);
  });

  it('starts another send at once when a full chunk waits', () => {
    const { sink, sender } = setup('continue', 2);
    sender.add(record('0_0', 'a'));
    sender.dispatch();
    sender.add(record('0_0', 'b'));
    sender.add(record('0_0', 'c'));
    sender.dispatch();
    expect(sink.requests).toHaveLength(2);
  });

  it('hands refused records to the handler: continue counts only what was written', async () => {
    const { sink, sender, produced, fatal } = setup('continue');
    sender.add(record('0_0', 'a'));
    sender.add(record('0_0', 'bad'));
    const flushed = sender.flush();
    await sink.complete();
    await flushed;
    expect(produced).toEqual([['0_0', 1]]);
    expect(fatal).toEqual([]);
  });

  it('fail: reports the fatal error once, at once, and every later flush throws it', async () => {
    const { sink, sender, fatal } = setup('fail');
    sender.add(record('0_0', 'bad'));
    sender.add(record('0_0', 'bad'));
    // Caught at once: the rejection happens while the test completes the send.
    const flushed = sender.flush().catch((error: unknown) => error);
    await sink.complete();
    expect(await flushed).toMatchObject({ code: 'STRM_ERR_RUNTIME_PRODUCTION' });
    expect(fatal).toHaveLength(1);
    expect(sender.fatalError).toBe(fatal[0]);
    await expect(sender.flush()).rejects.toBe(fatal[0]);
  });

  it('discards the queued records of one task, or of all', () => {
    const { sender } = setup();
    sender.add(record('0_0', 'a'));
    sender.add(record('0_1', 'b'));
    sender.discard('0_0');
    expect(sender.buffered).toBe(1);
    sender.discard();
    expect(sender.buffered).toBe(0);
  });
});
