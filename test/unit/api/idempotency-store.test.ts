import { describe, expect, it } from 'vitest';
import { InMemoryIdempotencyStore } from '../../../api/reservations/idempotency.js';

describe('InMemoryIdempotencyStore', () => {
  it('claims once, reports in-progress until completed, then replays; another fingerprint is a mismatch', async () => {
    const store = new InMemoryIdempotencyStore();
    expect(await store.claim('k', 'f1')).toEqual({ kind: 'claimed' });
    expect(await store.claim('k', 'f1')).toEqual({ kind: 'in-progress' });
    expect(await store.claim('k', 'f2')).toEqual({ kind: 'mismatch' });
    const answer = { statusCode: 201, body: { a: 1 }, headers: { location: '/x' } };
    await store.complete('k', 'f1', answer);
    expect(await store.claim('k', 'f1')).toEqual({ kind: 'replay', answer });
    await store.release('k');
    expect(await store.claim('k', 'f2')).toEqual({ kind: 'claimed' });
  });
});
