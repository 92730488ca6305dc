import { describe } from 'vitest';
import { InMemoryIdempotencyStore, PENDING_LEASE_SECONDS } from '../../../api/reservations/idempotency.js';
import { idempotencyStoreContract } from './idempotency-contract.js';

describe('InMemoryIdempotencyStore', () => {
  idempotencyStoreContract(async () => {
    const clock = { now: 0 };
    return {
      store: new InMemoryIdempotencyStore(() => clock.now),
      outliveLease: async () => {
        clock.now += PENDING_LEASE_SECONDS * 1000 + 1;
      },
    };
  });
});
