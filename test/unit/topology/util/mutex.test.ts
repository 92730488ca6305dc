import { describe, expect, it } from 'vitest';
import { Mutex } from '../../../../topology/internal/util/mutex.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Mutex', () => {
  it('runs operations one at a time, in the order they were queued', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let inside = 0;
    const operation = (name: string) =>
      mutex.runExclusive(async () => {
        inside++;
        expect(inside).toBe(1);
        log.push(`${name} in`);
        await tick();
        log.push(`${name} out`);
        inside--;
        return name;
      });
    expect(await Promise.all([operation('a'), operation('b'), operation('c')])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('goes on after a failed operation, whose caller sees the failure', async () => {
    const mutex = new Mutex();
    const failed = mutex.runExclusive(async () => {
      throw new Error('broken');
    });
    const next = mutex.runExclusive(() => 'after');
    await expect(failed).rejects.toThrow('broken');
    expect(await next).toBe('after');
  });

  it('settled() waits for the operations queued before it, not for later ones', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let release: () => void = () => undefined;
    void mutex.runExclusive(async () => {
      await tick();
      log.push('first');
    });
    const settled = mutex.settled().then(() => log.push('settled'));
    void mutex.runExclusive(() => new Promise<void>((resolve) => (release = resolve)));
    await settled;
    expect(log).toEqual(['first', 'settled']);
    release();
    // A failure before it does not make settled() reject.
    void mutex
      .runExclusive(async () => {
        throw new Error('broken');
      })
      .catch(() => undefined);
    await expect(mutex.settled()).resolves.toBeUndefined();
  });
});
