/**
 * A small seeded pseudo-random generator (Marsaglia's xorshift32), so that the payment simulator's
 * "random" latency and failures are the same on every run with the same seed and tests can be exact.
 * Not for anything security-related.
 */

/** A generator of numbers in `[0, 1)`, reproducible from its seed. */
export interface RandomSource {
  next(): number;
}

/** Creates a generator from an integer seed; the same seed always yields the same sequence. */
export function seededRandom(seed: number): RandomSource {
  // xorshift has one fixed point (zero); mixing with an odd constant keeps every seed, 0 included, off it.
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 0x6d2b79f5;
  return {
    next(): number {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 0x1_0000_0000;
    },
  };
}
