import { join } from 'node:path';
import { StackError } from './errors.js';
import type { JavaRuntime } from './java.js';
import { isAlive, spawnDetached } from './processes.js';
import { logExcerpt, sleep } from './util.js';

/** The local Apicurio Registry, as recorded in the state file. */
export interface RegistryState {
  readonly version: string;
  readonly port: number;
  /** Quarkus' management interface (health, metrics), moved off its default 9000. */
  readonly managementPort: number;
  /** Folder holding the registry's log. */
  readonly dir: string;
  readonly logFile: string;
  pid: number;
}

/** What the registry's system endpoint says about itself. */
export interface RegistryInfo {
  readonly name: string;
  readonly version: string;
}

/** The Confluent-compatible API that `@kafkajs/confluent-schema-registry` talks to. */
export function confluentCompatUrl(registry: Pick<RegistryState, 'port'>): string {
  return `http://127.0.0.1:${registry.port}/apis/ccompat/v7`;
}

/**
 * Starts Apicurio Registry (a Quarkus app) in the background: loopback only, in-memory H2 storage (a
 * restart forgets every schema, as a test stack should), management port moved to a free one, and the
 * per-request access log off.
 */
export function startRegistry(java: JavaRuntime, home: string, state: RegistryState, marker: string): void {
  state.pid = spawnDetached({
    executable: java.executable,
    args: [
      '-Xmx512m',
      '-Djava.awt.headless=true',
      marker,
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${state.port}`,
      `-Dquarkus.management.host=127.0.0.1`,
      `-Dquarkus.management.port=${state.managementPort}`,
      '-Dquarkus.http.access-log.enabled=false',
      '-Dapicurio.storage.kind=sql',
      '-Dapicurio.storage.sql.kind=h2',
      '-jar',
      join(home, 'quarkus-run.jar'),
    ],
    cwd: state.dir,
    outputFile: state.logFile,
  });
}

/** Asks a registry for its name and version; `baseUrl` is its ccompat URL or its root. */
export async function registryInfo(baseUrl: string, timeoutMs: number): Promise<RegistryInfo> {
  const root = baseUrl.replace(/\/apis\/.*$/, '').replace(/\/$/, '');
  const response = await fetch(`${root}/apis/registry/v3/system/info`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${root}/apis/registry/v3/system/info`);
  const body = (await response.json()) as { name?: string; version?: string };
  return { name: body.name ?? 'unknown', version: body.version ?? 'unknown' };
}

/** Waits until the registry answers its system endpoint; fails fast, naming the log, if it exits. */
export async function waitForRegistry(state: RegistryState, timeoutMs: number): Promise<RegistryInfo> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) {
      throw new StackError(
        'STRM_ERR_STACK_SERVICE_EXITED',
        `Apicurio Registry (port ${state.port}) exited while starting; see ${state.logFile}. ` +
          `Last lines:\n${await logExcerpt(state.logFile, 15)}`,
      );
    }
    try {
      return await registryInfo(confluentCompatUrl(state), 2_000);
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new StackError(
    'STRM_ERR_STACK_SERVICE_TIMEOUT',
    `Apicurio Registry did not answer on port ${state.port} within ${timeoutMs / 1000} s ` +
      `(last error: ${String(lastError)}); see ${state.logFile}.`,
    { retriable: true },
  );
}
