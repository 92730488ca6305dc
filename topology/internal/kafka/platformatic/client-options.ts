/** The @platformatic/kafka base options (brokers, timeouts, retries, TLS, SASL) of the port's client options. */
import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaClientOptions } from '../kafka-client.js';
import type { SaslConfig, TlsConfig } from '../security.js';

/** The options every client of the adapter (admin, producer, consumers) is created with. */
export function baseOptions(options: KafkaClientOptions, clientIdSuffix = ''): BaseOptions {
  const tls = platformaticTls(options.ssl);
  const sasl = platformaticSasl(options.sasl);
  return {
    clientId: `${options.clientId}${clientIdSuffix}`,
    bootstrapBrokers: [...options.brokers],
    timeout: options.requestTimeoutMs ?? 30_000,
    connectTimeout: options.connectionTimeoutMs ?? 3_000,
    retries: options.retries ?? 8,
    // As the kafkajs adapter: 100 ms doubling up to 5 s between the client's own retries.
    retryDelay: (_client, _operation, attempt) => Math.min(5_000, 100 * 2 ** Math.max(0, attempt - 1)),
    // The runtime creates its topics itself: a typo must not create a topic.
    autocreateTopics: false,
    // SASL without TLS would send a PLAIN password in clear text: SASL implies TLS unless told otherwise.
    ...(tls !== undefined ? { tls } : sasl !== undefined ? { tls: {} } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  };
}

/** The port's TLS settings as Node's TLS connection options (which @platformatic/kafka takes as they are). */
function platformaticTls(ssl: boolean | TlsConfig | undefined): BaseOptions['tls'] {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return {};
  const pem = (value: TlsConfig['ca']) =>
    value === undefined ? undefined : Array.isArray(value) ? [...value] : (value as string | Buffer);
  const ca = pem(ssl.ca);
  const cert = pem(ssl.cert);
  const key = pem(ssl.key);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(ssl.passphrase === undefined ? {} : { passphrase: ssl.passphrase }),
    ...(ssl.servername === undefined ? {} : { servername: ssl.servername }),
    rejectUnauthorized: ssl.rejectUnauthorized ?? true,
  };
}

/** The port's SASL settings as @platformatic/kafka's (mechanism names upper case, a token provider for OAUTHBEARER). */
function platformaticSasl(sasl: SaslConfig | undefined): BaseOptions['sasl'] {
  if (sasl === undefined) return undefined;
  if (sasl.mechanism === 'oauthbearer') {
    const provider = sasl.tokenProvider;
    return { mechanism: 'OAUTHBEARER', token: async () => (await provider()).value };
  }
  const mechanism =
    sasl.mechanism === 'plain'
      ? 'PLAIN'
      : sasl.mechanism === 'scram-sha-256'
        ? 'SCRAM-SHA-256'
        : 'SCRAM-SHA-512';
  return { mechanism, username: sasl.username, password: sasl.password };
}
