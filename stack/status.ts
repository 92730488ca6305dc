import { bootstrapServers, describeBrokerCount } from './kafka.js';
import { markerOf, type StackPaths, stackPaths } from './paths.js';
import { isOurs } from './processes.js';
import { confluentCompatUrl, registryInfo } from './registry.js';
import { databaseUrl, postgresVersion, redact, redisUrl, redisVersion } from './services.js';
import { readState } from './state.js';

/** One service in {@link stackStatus}: where it is, whether it answers, and why not. */
export interface ServiceStatus {
  readonly name: string;
  /** `local` (run by the stack), `env` (named by an environment variable) or `machine` (Postgres, Redis). */
  readonly source: 'local' | 'env' | 'machine';
  readonly endpoint: string;
  readonly answering: boolean;
  /** Version or broker count when answering, the error when not. */
  readonly detail: string;
  /** Pids of the local processes, and the log to read. */
  readonly pids?: number[];
  readonly logFile?: string;
}

/** The state of every service of the stack; `running` is true when all of them answer. */
export interface StackStatus {
  readonly running: boolean;
  readonly owner?: 'cli' | 'test';
  readonly leases: number[];
  readonly services: ServiceStatus[];
}

/** Checks every service of this checkout's stack without starting or stopping anything. */
export async function stackStatus(paths: StackPaths = stackPaths()): Promise<StackStatus> {
  const state = await readState(paths);
  const marker = markerOf(paths);
  const services = await Promise.all([
    (async (): Promise<ServiceStatus> => {
      const fromEnv = process.env.KAFKA_BROKERS;
      const brokers = fromEnv ? fromEnv.split(',') : state?.kafka ? bootstrapServers(state.kafka) : [];
      const pids = state?.kafka?.nodes.map((node) => node.pid) ?? [];
      const base = {
        name: `Kafka ${fromEnv ? '' : (state?.kafka?.version ?? '')}`.trim(),
        source: fromEnv ? ('env' as const) : ('local' as const),
        endpoint: brokers.join(',') || '(not started)',
        pids,
        logFile: state?.kafka?.nodes.map((node) => node.logFile).join(', '),
      };
      if (brokers.length === 0) return { ...base, answering: false, detail: 'not started' };
      const alive = fromEnv
        ? true
        : (await Promise.all(pids.map((pid) => isOurs(pid, marker)))).every(Boolean);
      try {
        const count = await describeBrokerCount(brokers, 3_000);
        return {
          ...base,
          answering: alive,
          detail: `${count} broker(s)${alive ? '' : ', a process is gone'}`,
        };
      } catch (error) {
        return { ...base, answering: false, detail: String(error) };
      }
    })(),
    (async (): Promise<ServiceStatus> => {
      const fromEnv = process.env.SCHEMA_REGISTRY_URL;
      const url = fromEnv ?? (state?.registry ? confluentCompatUrl(state.registry) : '');
      const base = {
        name: 'Schema registry',
        source: fromEnv ? ('env' as const) : ('local' as const),
        endpoint: url || '(not started)',
        pids: state?.registry ? [state.registry.pid] : [],
        logFile: state?.registry?.logFile,
      };
      if (!url) return { ...base, answering: false, detail: 'not started' };
      try {
        const info = await registryInfo(url, 3_000);
        return { ...base, answering: true, detail: `${info.name} ${info.version}` };
      } catch (error) {
        return { ...base, answering: false, detail: String(error) };
      }
    })(),
    machineService('Postgres', databaseUrl(), postgresVersion),
    machineService('Redis', redisUrl(), redisVersion),
  ]);
  return {
    running: services.every((service) => service.answering),
    owner: state?.owner,
    leases: state?.leases ?? [],
    services,
  };
}

async function machineService(name: string, url: string, probe: (url: string) => Promise<string>) {
  try {
    const version = await probe(url);
    return { name, source: 'machine' as const, endpoint: redact(url), answering: true, detail: version };
  } catch (error) {
    return {
      name,
      source: 'machine' as const,
      endpoint: redact(url),
      answering: false,
      detail: (error as Error).message,
    };
  }
}
