import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { warnWhileSlow } from '../../../topology/runtime/slow-operation.js';

/** A pino logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: Array<{ msg: string; operation?: string }> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('warnWhileSlow', () => {
  it('says which operation is still running, until it settles, and passes its result or error on', async () => {
    const { logger, lines } = capturingLogger();
    const result = await warnWhileSlow(
      logger,
      'leaving the consumer group',
      () => sleep(55).then(() => 42),
      20,
    );
    expect(result).toBe(42);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((line) => line.operation === 'leaving the consumer group')).toBe(true);
    const after = lines.length;
    await sleep(50);
    expect(lines).toHaveLength(after);

    const failure = new Error('broker gone');
    await expect(warnWhileSlow(logger, 'the final commit', () => Promise.reject(failure), 20)).rejects.toBe(
      failure,
    );
  });

  it('stays quiet for an operation that ends in time', async () => {
    const { logger, lines } = capturingLogger();
    await warnWhileSlow(logger, 'processing a batch', () => sleep(5), 50);
    expect(lines).toEqual([]);
  });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
