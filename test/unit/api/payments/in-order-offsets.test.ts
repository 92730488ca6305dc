import { describe, expect, it } from 'vitest';
import { InOrderOffsets } from '../../../../api/payments/in-order-offsets.js';

describe('InOrderOffsets', () => {
  it('resolves an offset only when it and every earlier message of the batch are done', () => {
    const resolved: string[] = [];
    const offsets = new InOrderOffsets(['10', '11', '12', '13'], (offset) => resolved.push(offset));

    offsets.done(2);
    offsets.done(1);
    expect(resolved).toEqual([]);
    expect(offsets.resolved).toBe(0);

    offsets.done(0);
    expect(resolved).toEqual(['12']);
    expect(offsets.resolved).toBe(3);

    offsets.done(3);
    expect(resolved).toEqual(['12', '13']);
    expect(offsets.resolved).toBe(4);
  });

  it('never resolves past a message that is not done', () => {
    const resolved: string[] = [];
    const offsets = new InOrderOffsets(['5', '6', '7'], (offset) => resolved.push(offset));
    offsets.done(0);
    offsets.done(2);
    expect(resolved).toEqual(['5']);
    expect(offsets.resolved).toBe(1);
  });
});
