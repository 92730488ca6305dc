/**
 * Runs a write under the request's `Idempotency-Key` (when it has one): the attempt's event id, time and
 * (for a creation) confirmation number are bound to the key before anything is produced, so a retry on
 * any instance produces the same event or gets the first answer back (see `idempotency.ts` for the rules).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, IdempotencyConflictError, IdempotencyMismatchError } from '../errors.js';
import type { IdempotencyStore, StoredAnswer } from './idempotency.js';

/** The header a client sets. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The key sent with the request, if any. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers[IDEMPOTENCY_HEADER];
  const key = Array.isArray(header) ? header[0] : header;
  return key === undefined || key === '' ? null : key;
}

/** One attempt at a write: what it produces is decided here, once per key. */
export interface Attempt {
  /** The id of the event this attempt produces (the same for every retry of a key). */
  readonly eventId: string;
  /** The request time (epoch ms) the event carries and the rules are checked at (the same for retries). */
  readonly at: number;
  /** A value decided once per key, e.g. the confirmation number; without a key, `propose()`'s value. */
  decideOnce(name: string, propose: () => Promise<string>): Promise<string>;
}

/**
 * Runs `work` once per key and request; sends its answer (or the stored one) on `reply`. Coded client
 * errors (4xx) are kept like successes, so a retry of a refused request is refused the same way without
 * producing; server errors end the attempt's lease, so a retry runs again at once with the same binding.
 * A retry while an attempt holds the lease gets 409 with `Retry-After`.
 */
export async function sendIdempotent(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  now: () => number,
  work: (attempt: Attempt) => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  const key = idempotencyKeyOf(request);
  const proposal = { eventId: randomUUID(), at: now() };
  if (key === null)
    return send(reply, await work({ ...proposal, decideOnce: (_name, propose) => propose() }));
  const scoped = `${request.principal?.keyHash ?? 'anonymous'}:${key}`;
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
  const claim = await store.claim(scoped, fingerprint, proposal);
  if (claim.kind === 'in-progress') throw new IdempotencyConflictError(key, claim.retryAfterSeconds);
  if (claim.kind === 'mismatch') throw new IdempotencyMismatchError(key);
  if (claim.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    return send(reply, claim.answer);
  }
  if (claim.resumed) {
    request.log.info({ idempotencyKey: key }, 'resuming an attempt whose lease ran out, with its binding');
  }
  let answer: StoredAnswer;
  try {
    answer = await work({
      ...claim.binding,
      decideOnce: (name, propose) => store.bindOnce(scoped, name, propose),
    });
  } catch (error) {
    if (error instanceof ApiError && error.statusCode < 500) {
      await store.complete(scoped, fingerprint, {
        statusCode: error.statusCode,
        body: {
          statusCode: error.statusCode,
          code: error.code,
          error: 'Client Error',
          message: error.message,
          retriable: error.retriable,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
        headers: {},
      });
    } else {
      await store.release(scoped).catch(() => undefined);
    }
    throw error;
  }
  await store.complete(scoped, fingerprint, answer);
  return send(reply, answer);
}

function send(reply: FastifyReply, answer: StoredAnswer): StoredAnswer {
  reply.status(answer.statusCode).headers(answer.headers);
  return answer;
}
