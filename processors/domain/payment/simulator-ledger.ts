/**
 * Where the simulated payment provider keeps its state: authorisations (amount, captured, refunded) and
 * the first answer to each idempotency key. A real provider keeps these on its own servers, which every
 * instance of the application reaches; so must the simulator, or a capture or refund handled by another
 * instance than the one that authorised finds nothing (`authorization ... does not exist`). The
 * application uses the Postgres ledger in `api/payments/`; {@link InMemorySimulatorLedger} serves one
 * process (unit tests, the benchmark's single worker).
 */
import { Mutex } from '../../../topology/internal/util/mutex.js';
import type { Money } from '../money.js';

/** An authorisation as the simulated provider keeps it. */
export interface SimulatedAuthorization {
  readonly amount: Money;
  readonly capturedMinor: number;
  readonly refundedMinor: number;
}

/** The first answer given to an idempotency key, with a fingerprint of the request it answered. */
export interface StoredAnswer {
  readonly fingerprint: string;
  readonly answer: unknown;
}

/** The reads and writes of one {@link SimulatorLedger.transaction}. */
export interface SimulatorTransaction {
  answer(key: string): Promise<StoredAnswer | undefined>;
  saveAnswer(key: string, stored: StoredAnswer): Promise<void>;
  authorization(authorizationId: string): Promise<SimulatedAuthorization | undefined>;
  saveAuthorization(authorizationId: string, authorization: SimulatedAuthorization): Promise<void>;
}

/** The simulator's state; see the file comment. */
export interface SimulatorLedger {
  /**
   * Runs `work` all or nothing, and alone among the transactions naming any of `locks` (on every instance
   * sharing the ledger): two retries of one call, or a capture and a refund of one authorisation, never
   * interleave. Rejects with what `work` threw, or with a retriable error when the ledger is unreachable.
   */
  transaction<T>(locks: readonly string[], work: (tx: SimulatorTransaction) => Promise<T>): Promise<T>;
}

/** A {@link SimulatorLedger} in this process's memory: one transaction at a time, writes kept on success. */
export class InMemorySimulatorLedger implements SimulatorLedger {
  readonly #answers = new Map<string, StoredAnswer>();
  readonly #authorizations = new Map<string, SimulatedAuthorization>();
  readonly #mutex = new Mutex();

  transaction<T>(_locks: readonly string[], work: (tx: SimulatorTransaction) => Promise<T>): Promise<T> {
    return this.#mutex.runExclusive(() => this.#run(work));
  }

  async #run<T>(work: (tx: SimulatorTransaction) => Promise<T>): Promise<T> {
    const answers = new Map<string, StoredAnswer>();
    const authorizations = new Map<string, SimulatedAuthorization>();
    const result = await work({
      answer: async (key) => answers.get(key) ?? this.#answers.get(key),
      saveAnswer: async (key, stored) => void answers.set(key, stored),
      authorization: async (id) => authorizations.get(id) ?? this.#authorizations.get(id),
      saveAuthorization: async (id, authorization) => void authorizations.set(id, authorization),
    });
    for (const [key, stored] of answers) this.#answers.set(key, stored);
    for (const [id, authorization] of authorizations) this.#authorizations.set(id, authorization);
    return result;
  }
}
