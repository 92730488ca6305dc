/**
 * How clients authenticate and encrypt: the library's own shapes of TLS and SASL settings. Each client
 * adapter maps them to its client's options (`kafkajs/security.ts`), so the runtime's configuration does
 * not depend on the client library.
 */

/** PEM text or bytes; a list for a chain or several CAs. */
export type Pem = string | Buffer | ReadonlyArray<string | Buffer>;

/**
 * TLS to the brokers (Kafka's `security.protocol` SSL or SASL_SSL). `ca` replaces the system's trusted
 * certificates, as Kafka's `ssl.truststore` does; `cert` and `key` are the client certificate for mutual
 * TLS (`ssl.keystore`).
 */
export interface TlsConfig {
  /** Certificate authorities to trust, PEM. Default: Node's bundled public CAs. */
  readonly ca?: Pem;
  /** Client certificate chain, PEM, for brokers that require client authentication. */
  readonly cert?: Pem;
  /** The client certificate's private key, PEM. */
  readonly key?: Pem;
  /** Passphrase of an encrypted `key`. */
  readonly passphrase?: string;
  /** Host name to check the broker certificate against, when it differs from the bootstrap address. */
  readonly servername?: string;
  /** Default true. Turning it off accepts any certificate: for nothing but a local experiment. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * SASL authentication (Kafka's `sasl.mechanism` with `sasl.jaas.config`). For OAUTHBEARER the token
 * provider is called whenever a connection authenticates, so it should cache a token until it expires.
 */
export type SaslConfig =
  | {
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: 'oauthbearer';
      /** Returns a current token (`value`: the compact JWT or other bearer token). */
      readonly tokenProvider: () => Promise<{ readonly value: string }>;
    };
