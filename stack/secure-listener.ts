/**
 * A SASL_SSL listener for a private test cluster, so TLS and SASL are tested against a real broker:
 * a throw-away certificate authority and a broker certificate for 127.0.0.1 made with openssl at start,
 * PEM key stores (Kafka reads PEM since 2.7), SCRAM credentials written at storage format time (KRaft keeps
 * them in the metadata log) and PLAIN users in the listener's JAAS configuration.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.js';

const run = promisify(execFile);

/** Who may log in over SASL_SSL: the same user and password for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. */
export interface SecureListenerOptions {
  readonly users: Readonly<Record<string, string>>;
}

/** The certificates made for a cluster, as PEM files and text. */
export interface SecureListenerMaterial {
  readonly users: Readonly<Record<string, string>>;
  /** The CA certificate that signed the broker's: what a client trusts. */
  readonly caPem: string;
  /** Folder holding `ca.pem`, `broker-keystore.pem` and `broker-truststore.pem`. */
  readonly dir: string;
}

/** Makes a CA and a broker certificate for 127.0.0.1/localhost, valid one day, in `dir`. */
export async function makeSecureListenerMaterial(
  dir: string,
  options: SecureListenerOptions,
): Promise<SecureListenerMaterial> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const openssl = async (args: string[]) => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (error) {
      throw new StackError(
        'STRM_ERR_STACK_OPENSSL_FAILED',
        `openssl ${args[0]} failed while making the SASL_SSL listener's certificates: ${String(error)}; install openssl`,
      );
    }
  };
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=tstreams-test-ca',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  ]);
  await openssl([
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    file('broker.key'),
  ]);
  await openssl([
    'req',
    '-new',
    '-key',
    file('broker.key'),
    '-subj',
    '/CN=localhost',
    '-out',
    file('broker.csr'),
  ]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    file('broker.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('broker.pem'),
  ]);
  const caPem = await readFile(file('ca.pem'), 'utf8');
  // Kafka's PEM key store: the private key (PKCS#8, unencrypted) followed by the certificate chain.
  await writeFile(
    file('broker-keystore.pem'),
    `${await readFile(file('broker.key'), 'utf8')}${await readFile(file('broker.pem'), 'utf8')}${caPem}`,
  );
  await writeFile(file('broker-truststore.pem'), caPem);
  return { users: options.users, caPem, dir };
}

/** `kafka-storage format` arguments that store each user's SCRAM credentials for both mechanisms. */
export function scramFormatArgs(material: SecureListenerMaterial): string[] {
  return Object.entries(material.users).flatMap(([name, password]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${name},password=${password}]`,
    ]),
  );
}

/** Broker settings of the SASL_SSL listener, appended to `server.properties`. */
export function secureListenerProperties(material: SecureListenerMaterial): string {
  const plainUsers = Object.entries(material.users)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(' ');
  const prefix = 'listener.name.sasl_ssl';
  return `
# SASL_SSL listener for the secure-connection tests (stack/secure-listener.ts).
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER
ssl.keystore.type=PEM
ssl.keystore.location=${join(material.dir, 'broker-keystore.pem')}
ssl.truststore.type=PEM
ssl.truststore.location=${join(material.dir, 'broker-truststore.pem')}
${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};
${prefix}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${prefix}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${prefix}.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
`;
}
