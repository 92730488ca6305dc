import { describe, expect, it } from 'vitest';
import { SerdeError, Serdes, TopologyError, WindowedSerdes } from '../../../../topology/index.js';

const context = { topic: 'counts', isKey: true };

describe('WindowedSerdes', () => {
  it('writes time-windowed keys as the key bytes then the start (8 bytes, big-endian), as Kafka Streams does', () => {
    const serde = WindowedSerdes.timeWindowed(Serdes.string(), 60_000);
    const bytes = serde.serialize({ key: 'eu', window: { start: 120_000, end: 180_000 } }, context)!;
    expect(bytes.toString('hex')).toBe(`${Buffer.from('eu').toString('hex')}000000000001d4c0`);
    expect(serde.deserialize(bytes, context)).toEqual({
      key: 'eu',
      window: { start: 120_000, end: 180_000 },
    });
    expect(serde.name).toBe('timeWindowed(string, 60000)');
  });

  it('writes session keys as the key bytes, the end, then the start', () => {
    const serde = WindowedSerdes.sessionWindowed(Serdes.number());
    const windowed = { key: 7, window: { start: 5, end: 9 } };
    const bytes = serde.serialize(windowed, context)!;
    expect(bytes.length).toBe(24);
    expect(bytes.readBigInt64BE(8)).toBe(9n);
    expect(bytes.readBigInt64BE(16)).toBe(5n);
    expect(serde.deserialize(bytes, context)).toEqual(windowed);
  });

  it('keeps null as a tombstone and refuses truncated bytes with a coded error', () => {
    const serde = WindowedSerdes.timeWindowed(Serdes.string(), 10);
    expect(serde.serialize(null as never, context)).toBeNull();
    expect(() => serde.deserialize(Buffer.alloc(3), context)).toThrow(SerdeError);
    expect(() =>
      WindowedSerdes.sessionWindowed(Serdes.string()).deserialize(Buffer.alloc(10), context),
    ).toThrow(/needs at least 16 bytes.*"counts"/);
    expect(() => WindowedSerdes.timeWindowed(Serdes.string(), 0)).toThrow(TopologyError);
  });
});
