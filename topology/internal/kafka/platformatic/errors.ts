/** @platformatic/kafka's errors read into the meanings the adapter needs (transient, rebalance, fenced). */
import { GenericError, MultipleErrors } from '@platformatic/kafka';
import { isTlsError } from '../tls-error.js';

/** Every error in `error`'s tree: nested `errors` of a MultipleErrors and `cause` chains. */
export function* errorTree(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (error === null || typeof error !== 'object' || depth > 6) return;
  yield error as Record<string, unknown>;
  if (error instanceof AggregateError || (error as { errors?: unknown }).errors !== undefined) {
    for (const inner of ((error as { errors?: unknown[] }).errors ?? []) as unknown[])
      yield* errorTree(inner, depth + 1);
  }
  yield* errorTree((error as { cause?: unknown }).cause, depth + 1);
}

/** The Kafka protocol error ids (`UNKNOWN_TOPIC_OR_PARTITION`, ...) anywhere in the error's tree. */
export function protocolErrorIds(error: unknown): Set<string> {
  const ids = new Set<string>();
  for (const node of errorTree(error)) if (typeof node.apiId === 'string') ids.add(node.apiId);
  return ids;
}

/**
 * A condition that passes: the broker out of reach or not ready (a leader moving, a coordinator loading, a
 * request timed out). @platformatic/kafka marks protocol errors it would retry `canRetry`, and network
 * errors and timeouts are of their own classes.
 */
export function isTransientError(error: unknown): boolean {
  for (const node of errorTree(error)) {
    if (node.canRetry === true) return true;
    if (node.code === 'PLT_KFK_NETWORK' || node.code === 'PLT_KFK_TIMEOUT') return true;
  }
  return false;
}

/** The broker refused a credential. */
export function isAuthenticationError(error: unknown): boolean {
  for (const node of errorTree(error)) {
    if (node.code === 'PLT_KFK_AUTHENTICATION') return true;
    if (node.apiId === 'SASL_AUTHENTICATION_FAILED' || node.apiId === 'ILLEGAL_SASL_STATE') return true;
  }
  return false;
}

/** True for the library's own error classes (as opposed to a bug of the adapter). */
export function isClientError(error: unknown): boolean {
  return error instanceof GenericError || error instanceof MultipleErrors;
}

export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return `${error.message} ${error.errors.map((inner) => errorMessage(inner)).join(' ')}`;
  return (error as Error)?.message ?? String(error);
}

/**
 * A TLS failure anywhere in the error's tree: the library wraps the socket's error in a NetworkError
 * ("Connection to host:port failed.", the TLS error as its `cause`) and that in its retry's MultipleErrors.
 */
export function tlsFailure(error: unknown): { message: string; code?: string } | undefined {
  for (const node of errorTree(error)) {
    const code = typeof node.code === 'string' ? node.code : undefined;
    const message = String(node.message ?? '');
    if (isTlsError(code, message)) return { message, ...(code === undefined ? {} : { code }) };
  }
  return undefined;
}
