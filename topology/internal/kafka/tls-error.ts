/** Telling a TLS failure with the brokers from other connection errors, whatever client wrapped it. */

/** Node's TLS verification failures: the broker's certificate is not one the client trusts. */
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** True when an error's code or message says TLS with the brokers failed (an untrusted or bad certificate). */
export function isTlsError(code: string | undefined, message: string): boolean {
  return (
    (code !== undefined && TLS_CODES.has(code)) ||
    /certificate|SSL routines|wrong version number/i.test(message)
  );
}
