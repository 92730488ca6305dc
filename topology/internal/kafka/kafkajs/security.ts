/** The port's TLS and SASL settings as kafkajs' `ssl` and `sasl` options. */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { Pem, SaslConfig, TlsConfig } from '../security.js';

/** kafkajs' `ssl` option from ours. */
export function kafkajsTls(ssl: boolean | TlsConfig | undefined): boolean | ConnectionOptions | undefined {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl;
  const list = (pem: Pem | undefined) =>
    pem === undefined ? undefined : Array.isArray(pem) ? [...pem] : (pem as string | Buffer);
  const options: ConnectionOptions = {};
  if (ssl.ca !== undefined) options.ca = list(ssl.ca);
  if (ssl.cert !== undefined) options.cert = list(ssl.cert);
  if (ssl.key !== undefined) options.key = list(ssl.key);
  if (ssl.passphrase !== undefined) options.passphrase = ssl.passphrase;
  if (ssl.servername !== undefined) options.servername = ssl.servername;
  if (ssl.rejectUnauthorized !== undefined) options.rejectUnauthorized = ssl.rejectUnauthorized;
  return options;
}

/** kafkajs' `sasl` option from ours. */
export function kafkajsSasl(sasl: SaslConfig | undefined): SASLOptions | undefined {
  if (sasl === undefined) return undefined;
  if (sasl.mechanism === 'oauthbearer') {
    const provider = sasl.tokenProvider;
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await provider()).value }),
    };
  }
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}
