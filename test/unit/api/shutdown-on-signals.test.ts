import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { shutdownOnSignals } from '../../../api/shutdown-on-signals.js';

const logger = pino({ level: 'silent' });
const settle = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdownOnSignals', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  it('closes once however many signals arrive, and exits 0 after the close', async () => {
    let closes = 0;
    let finish!: () => void;
    const exits: number[] = [];
    remove = shutdownOnSignals(
      () => {
        closes++;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      logger,
      { signals: ['SIGUSR2'], exit: (code) => exits.push(code) },
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    // The handler stays installed while closing: a repeat must not find the process without one.
    expect(process.listenerCount('SIGUSR2')).toBe(1);
    await settle();
    expect(closes).toBe(1);
    expect(exits).toEqual([]);
    finish();
    await settle();
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the close fails or misses its deadline', async () => {
    const exits: number[] = [];
    remove = shutdownOnSignals(() => Promise.reject(new Error('broken')), logger, {
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await settle();
    expect(exits).toEqual([1]);
    remove();

    const late: number[] = [];
    remove = shutdownOnSignals(() => new Promise<void>(() => undefined), logger, {
      signals: ['SIGUSR2'],
      deadlineMs: 20,
      exit: (code) => late.push(code),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await settle(60);
    expect(late).toEqual([1]);
  });
});
