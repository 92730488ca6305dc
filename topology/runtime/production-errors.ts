/**
 * Production error handling: what the runtime does with an output record the broker refused (too large,
 * unknown topic, not authorised). Retriable failures (a broker down) never reach the handler: they fail
 * the thread, whose uncaught-exception handler decides, and the uncommitted input is replayed.
 */
import type { WireHeaders } from '../internal/kafka/types.js';

/** A record that could not be produced, with the source record it came from (when known). */
export interface ProductionFailure {
  /** The topic the record was meant for. */
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: WireHeaders;
  /** The task that produced it, e.g. `0_3`. */
  readonly taskId: string;
  /** The input record being processed when it was sent; `undefined` for punctuator output. */
  readonly source:
    | { readonly topic: string; readonly partition: number; readonly offset: number }
    | undefined;
  readonly error: Error;
}

/** `continue` drops the record and goes on; `fail` stops the thread with a `STRM_ERR_RUNTIME_PRODUCTION`. */
export type ProductionExceptionHandler = (failure: ProductionFailure) => 'continue' | 'fail';
