/**
 * Coded errors of the benchmark runner. `retriable` says whether running the same command again may
 * succeed (a busy machine, a slow start) or whether something must be fixed first.
 */

/** The benchmark could not run or measure; the message names what and how to fix it. */
export class BenchError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: `STRM_ERR_BENCH_${string}`, message: string, retriable: boolean, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'BenchError';
    this.code = code;
    this.retriable = retriable;
  }
}

/** A pipeline or peer process exited or failed before it was ready. */
export function instanceFailed(name: string, detail: string): BenchError {
  return new BenchError(
    'STRM_ERR_BENCH_INSTANCE_FAILED',
    `${name} did not start: ${detail}; run it alone with LOG_LEVEL=info to see why`,
    true,
  );
}

/** The Java peer's jar is missing and Maven could not build it. */
export function peerBuildFailed(detail: string): BenchError {
  return new BenchError(
    'STRM_ERR_BENCH_PEER_BUILD',
    `the Kafka Streams peer did not build (${detail}); run "mvn -q -B package" in bench/peers/kafka-streams`,
    false,
  );
}
