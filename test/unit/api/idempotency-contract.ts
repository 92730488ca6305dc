/**
 * The contract every {@link IdempotencyStore} keeps, run against the in-memory store (unit) and the Redis
 * store (integration): one binding per key, a lease that refuses retries while it runs and hands the same
 * binding to the retry that outlives it, values bound once, answers replayed.
 */
import { expect, it } from 'vitest';
import type { IdempotencyStore } from '../../../api/reservations/idempotency.js';

/** A store under test and how to let its lease run out. */
export interface ContractSubject {
  readonly store: IdempotencyStore;
  /** Makes every current lease run out (moves a clock, or waits). */
  outliveLease(): Promise<void>;
}

/** Registers the contract's cases; `subject()` gives a fresh store (keys unique per call). */
export function idempotencyStoreContract(subject: () => Promise<ContractSubject>): void {
  const first = { eventId: 'evt-1', at: 1_000 };
  const second = { eventId: 'evt-2', at: 2_000 };

  it('binds the first attempt, refuses a retry during its lease with a Retry-After, and a different request', async () => {
    const { store } = await subject();
    expect(await store.claim('k', 'f1', first)).toEqual({ kind: 'claimed', binding: first, resumed: false });
    const retry = await store.claim('k', 'f1', second);
    expect(retry.kind).toBe('in-progress');
    if (retry.kind === 'in-progress') expect(retry.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await store.claim('k', 'f2', second)).toEqual({ kind: 'mismatch' });
  });

  it('hands the first binding and its bound values to the retry that outlives the lease', async () => {
    const { store, outliveLease } = await subject();
    await store.claim('k', 'f1', first);
    expect(await store.bindOnce('k', 'confirmationNumber', async () => 'RSV-1')).toBe('RSV-1');
    await outliveLease();
    expect(await store.claim('k', 'f1', second)).toEqual({ kind: 'claimed', binding: first, resumed: true });
    // The retry proposes another number; the bound one wins.
    expect(await store.bindOnce('k', 'confirmationNumber', async () => 'RSV-2')).toBe('RSV-1');
  });

  it('ends the lease on release but keeps the binding, then replays the completed answer', async () => {
    const { store } = await subject();
    await store.claim('k', 'f1', first);
    await store.release('k');
    expect(await store.claim('k', 'f1', second)).toEqual({ kind: 'claimed', binding: first, resumed: true });
    expect(await store.claim('k', 'f2', second)).toEqual({ kind: 'mismatch' });
    const answer = { statusCode: 201, body: { a: 1, list: [] }, headers: { location: '/x' } };
    await store.complete('k', 'f1', answer);
    expect(await store.claim('k', 'f1', second)).toEqual({ kind: 'replay', answer });
  });

  it('lets one value win when two attempts bind at once', async () => {
    const { store } = await subject();
    await store.claim('k', 'f1', first);
    const values = await Promise.all([
      store.bindOnce('k', 'n', async () => 'A'),
      store.bindOnce('k', 'n', async () => 'B'),
    ]);
    expect(values[0]).toBe(values[1]);
  });
}
