/**
 * The requests waiting for their reservation's decision (`POST /reservations?wait=true`), completed by
 * push: the {@link DecisionFeed} reports each decision once per instance, and every request registered
 * under that confirmation number is answered at once. Nothing polls, so waiting costs memory, not
 * look-ups. Memory is bounded twice: at most `maxWaiters` requests wait (beyond that a request answers at
 * once as undecided, as a timeout would), and the last `recentDecisions` decisions are remembered for a
 * request that registers just after its decision went by.
 */

/** What a waiting request learns: the reservation's status after the decision and why, if refused. */
export interface Decision {
  readonly status: string;
  readonly detail: string | null;
}

/** Limits of {@link DecisionWaiters}. */
export interface DecisionWaitersOptions {
  /** Most requests waiting at once (default 20,000). */
  readonly maxWaiters?: number;
  /** Decisions remembered for late registrations (default 10,000). */
  readonly recentDecisions?: number;
}

/** Counters a metrics module reads; the waiting path only counts. */
export interface DecisionWaiterStats {
  /** Requests answered by a pushed decision. */
  pushed: number;
  /** Requests whose wait ended undecided at the time bound. */
  timedOut: number;
  /** Requests refused a wait because `maxWaiters` were already waiting. */
  overflowed: number;
}

interface Waiter {
  readonly resolve: (decision: Decision | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** Waiting requests by confirmation number. */
export class DecisionWaiters {
  readonly #waiters = new Map<string, Set<Waiter>>();
  /** Insertion-ordered, so the oldest is dropped first. */
  readonly #recent = new Map<string, Decision>();
  readonly #maxWaiters: number;
  readonly #maxRecent: number;
  #waiting = 0;
  #closed = false;
  readonly #listeners = new Set<(confirmationNumber: string) => void>();
  readonly stats: DecisionWaiterStats = { pushed: 0, timedOut: 0, overflowed: 0 };

  constructor(options: DecisionWaitersOptions = {}) {
    this.#maxWaiters = options.maxWaiters ?? 20_000;
    this.#maxRecent = options.recentDecisions ?? 10_000;
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Waits at most `timeoutMs` for the decision on `confirmationNumber`; `undefined` when none came (or
   * when too many requests wait already). Register before looking the reservation up once, so a decision
   * made between the look-up and the registration is not missed.
   */
  wait(confirmationNumber: string, timeoutMs: number): Promise<Decision | undefined> {
    const known = this.#recent.get(confirmationNumber);
    if (known !== undefined) return Promise.resolve(known);
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#waiting >= this.#maxWaiters) {
      this.stats.overflowed++;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      let set = this.#waiters.get(confirmationNumber);
      if (set === undefined) {
        set = new Set();
        this.#waiters.set(confirmationNumber, set);
      }
      const waiters = set;
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.#remove(confirmationNumber, waiters, waiter);
          this.stats.timedOut++;
          resolve(undefined);
        }, timeoutMs),
      };
      waiters.add(waiter);
      this.#waiting++;
    });
  }

  /**
   * Calls `listener` after every decision (the dashboard redraws what a reservation changes); returns the
   * unsubscribe. A listener must not throw and must return at once: it runs on the decision feed's path.
   */
  onDecision(listener: (confirmationNumber: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Completes every request waiting for `confirmationNumber` with `decision`, and remembers it. */
  decide(confirmationNumber: string, decision: Decision): void {
    for (const listener of this.#listeners) listener(confirmationNumber);
    this.#recent.delete(confirmationNumber);
    this.#recent.set(confirmationNumber, decision);
    if (this.#recent.size > this.#maxRecent) {
      this.#recent.delete(this.#recent.keys().next().value as string);
    }
    this.stats.pushed += this.#complete(confirmationNumber, decision);
  }

  /**
   * Completes the requests waiting for `confirmationNumber` with the status a look-up found (decided before
   * they waited): not a decision event, so it is neither announced, remembered nor counted as pushed.
   */
  answer(confirmationNumber: string, decision: Decision): void {
    this.#complete(confirmationNumber, decision);
  }

  /** Answers every waiting request as undecided, and every later one at once (the instance is stopping). */
  close(): void {
    this.#closed = true;
    for (const waiters of this.#waiters.values()) {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve(undefined);
      }
    }
    this.#waiters.clear();
    this.#waiting = 0;
  }

  /** Resolves and forgets the requests waiting for `confirmationNumber`; returns how many there were. */
  #complete(confirmationNumber: string, decision: Decision): number {
    const waiters = this.#waiters.get(confirmationNumber);
    if (waiters === undefined) return 0;
    this.#waiters.delete(confirmationNumber);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      this.#waiting--;
      waiter.resolve(decision);
    }
    return waiters.size;
  }

  #remove(confirmationNumber: string, waiters: Set<Waiter>, waiter: Waiter): void {
    if (!waiters.delete(waiter)) return;
    this.#waiting--;
    if (waiters.size === 0) this.#waiters.delete(confirmationNumber);
  }
}
