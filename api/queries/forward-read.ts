/**
 * Forwards a read to the instance that owns its key and relays that instance's answer unchanged (status,
 * body, content type, `Retry-After`, `x-served-by`). The one place that talks HTTP to another instance,
 * used by every store-backed read.
 *
 * The forwarded request carries {@link FORWARDED_HEADER}, so the receiving instance answers from its own
 * stores or says 503, and never forwards again: two instances with different views of the assignment
 * (in the middle of a rebalance) cannot bounce a request between them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_HEADER } from '../auth/authenticate.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** Marks a request one instance forwarded to another. */
export const FORWARDED_HEADER = 'x-tstreams-forwarded';
/** On every store-backed answer: the `host:port` (advertised server) of the instance that read its stores. */
export const SERVED_BY_HEADER = 'x-served-by';
/**
 * Request header opting into stale reads: the most records (changelog records behind its end) the caller
 * accepts the answering replica to lag, e.g. `x-accept-stale: 1000`. See {@link StoreReadRouter}.
 */
export const ACCEPT_STALE_HEADER = 'x-accept-stale';
/** On an answer read from a replica that may lag (a standby): how many records it lagged, e.g. `0`. */
export const STORE_LAG_HEADER = 'x-store-lag';
/** Default bound of one forward: well under a client's own timeout, long enough for a loaded instance. */
export const FORWARD_TIMEOUT_MS = 2_000;

/** Request headers passed on: the client's key (the owner authenticates it again) and what it accepts. */
const PASSED_ON = [API_KEY_HEADER, 'accept', 'accept-language', ACCEPT_STALE_HEADER] as const;
/** Answer headers relayed; the forwarding instance's own (rate limit, request id) stay as they are. */
const RELAYED = ['content-type', 'retry-after', 'cache-control', SERVED_BY_HEADER, STORE_LAG_HEADER] as const;

/** Was `request` forwarded by another instance? */
export function isForwarded(request: FastifyRequest): boolean {
  return request.headers[FORWARDED_HEADER] !== undefined;
}

/**
 * Sends `request` (a GET) to `http://<server><same path and query>` and replies with its answer. Throws
 * a {@link StoreUnavailableError} (`FORWARD_FAILED`) when the owner cannot be reached within `timeoutMs`.
 */
export async function forwardRead(
  request: FastifyRequest,
  reply: FastifyReply,
  server: string,
  timeoutMs = FORWARD_TIMEOUT_MS,
): Promise<FastifyReply> {
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of PASSED_ON) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let response: Response;
  let body: string;
  try {
    // request.url is the path with its query string exactly as the client sent it.
    response = await fetch(`http://${server}${request.url}`, {
      method: 'GET',
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new StoreUnavailableError(
      'FORWARD_FAILED',
      timedOut
        ? `the instance at ${server} that owns this key did not answer within ${timeoutMs} ms`
        : `the instance at ${server} that owns this key could not be reached (${cause})`,
      error,
    );
  }
  // An owner that is shutting down (fastify answers 503 itself while closing) or a proxy in between answers
  // a 5xx that is not ours: no Retry-After, no error code. Say retriable, in our format.
  if (response.status >= 500 && !response.headers.has(SERVED_BY_HEADER) && !isApiError(body)) {
    throw new StoreUnavailableError(
      'FORWARD_FAILED',
      `the instance at ${server} that owns this key answered ${response.status} (it may be shutting down)`,
    );
  }
  reply.status(response.status);
  for (const name of RELAYED) {
    const value = response.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  // A string body is sent as it came (fastify does not serialize strings again).
  return reply.send(body);
}

/** True when `body` is one of this API's error bodies (it has a `code`), which are relayed as they are. */
function isApiError(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { code?: unknown }).code === 'string';
  } catch {
    return false;
  }
}
