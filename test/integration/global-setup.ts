import type { TestProject } from 'vitest/node';
import { acquireStack, describeEndpoints, describeStart } from '../../stack/stack.js';

/** Variables the setup sets for the test workers, restored to their old values at teardown. */
const EXPORTED = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL', 'REDIS_URL'] as const;

/**
 * Global setup of the `integration` project: reuses the stack that runs for this checkout (or the
 * services named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL), else starts one (`STACK_BROKERS=3` for a
 * three-broker cluster), and hands the endpoints to the tests through `inject('stack')` and the
 * environment. At the end it stops the stack only if a test run started it and no other test run is
 * still using it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[stack] ${line}`);
  const brokers = process.env.STACK_BROKERS ? Number(process.env.STACK_BROKERS) : undefined;
  const { result, release } = await acquireStack({ brokers, log });
  log(`ready in ${(result.elapsedMs / 1000).toFixed(1)} s (${describeStart(result)})`);
  for (const line of describeEndpoints(result.endpoints)) log(`  ${line}`);

  project.provide('stack', result.endpoints);
  const previous = new Map(EXPORTED.map((name) => [name, process.env[name]]));
  process.env.KAFKA_BROKERS = result.endpoints.kafkaBrokers.join(',');
  process.env.SCHEMA_REGISTRY_URL = result.endpoints.schemaRegistryUrl;
  process.env.DATABASE_URL = result.endpoints.databaseUrl;
  process.env.REDIS_URL = result.endpoints.redisUrl;

  return async () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await release();
  };
}
