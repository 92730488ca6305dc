/**
 * The one place that loads kafkajs, after installing what the library needs in it: every other file of
 * the adapter takes kafkajs' values (`Kafka`, `logLevel`, `Partitioners`, ...) from here and imports only
 * its types, so no import order inside or outside the library can load kafkajs before the patches.
 *
 * - the corrected `read_committed` filter of aborted records (`aborted-filter.ts`): swapped into the
 *   CommonJS module cache before kafkajs' `consumer/batch.js` captures the original. An application that
 *   loaded kafkajs before the library is too late for it: {@link abortedFilterInstalled} is then false and
 *   the client refuses exactly-once and `read_committed` reads (`STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE`).
 * - the rejoin hook (`rejoin-hook.ts`): kafkajs' heartbeats announce a rebalance before the rejoin.
 * - the idle request-queue timer (`idle-queue-timer.ts`): no 1 ms loop per connection with nothing to send.
 * - the fetch linger (`fetch-linger.ts`): fewer, fuller fetches while records flow.
 * - the pooled protocol encoder (`pooled-encoder.ts`): no zero-filled buffer per encoder; swapped into the
 *   module cache before kafkajs loads, as the filter.
 */
import { createRequire } from 'node:module';
import { installAbortedFilter } from './aborted-filter.js';
import { installFetchLinger } from './fetch-linger.js';
import { installIdleQueueTimerFix } from './idle-queue-timer.js';
import { installPooledEncoder } from './pooled-encoder.js';
import { installRejoinHook } from './rejoin-hook.js';

const require = createRequire(import.meta.url);

/** True when kafkajs filters aborted records with the library's filter in this process. */
export const abortedFilterInstalled: boolean = installAbortedFilter(require);

/** True when kafkajs encodes requests with the pooled encoder (see `pooled-encoder.ts`). */
export const pooledEncoderInstalled: boolean = installPooledEncoder(require);

/** kafkajs itself, loaded after the filter and the encoder were installed. */
export const kafkajs = require('kafkajs') as typeof import('kafkajs');

/** True once kafkajs' heartbeats announce a rebalance before the rejoin (see `rejoin-hook.ts`). */
export const rejoinHookInstalled: boolean = installRejoinHook(require);

/** True once kafkajs' request queues stop arming a 1 ms timer while idle (see `idle-queue-timer.ts`). */
export const idleQueueTimerFixInstalled: boolean = installIdleQueueTimerFix(require);

/** True once fetches of members with a fetch linger linger while records flow (see `fetch-linger.ts`). */
export const fetchLingerInstalled: boolean = installFetchLinger(require);
