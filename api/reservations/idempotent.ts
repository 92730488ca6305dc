/**
 * Runs a write under the request's `Idempotency-Key` (when it has one): the first answer is kept and a
 * retry gets it back without running the work again (see `idempotency.ts` for the rules).
 */
import { createHash } from 'node:crypto';
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

/**
 * Runs `work` once per key and request; sends its answer (or the stored one) on `reply`. Coded client
 * errors (4xx) are kept like successes, so a retry of a refused request is refused the same way without
 * producing; server errors free the key, so a retry runs again.
 */
export async function sendIdempotent(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  const key = idempotencyKeyOf(request);
  if (key === null) return send(reply, await work());
  const scoped = `${request.principal?.keyHash ?? 'anonymous'}:${key}`;
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
  const claim = await store.claim(scoped, fingerprint);
  if (claim.kind === 'in-progress') throw new IdempotencyConflictError(key);
  if (claim.kind === 'mismatch') throw new IdempotencyMismatchError(key);
  if (claim.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    return send(reply, claim.answer);
  }
  let answer: StoredAnswer;
  try {
    answer = await work();
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
