import { inject } from 'vitest';
import type { StackEndpoints } from '../../stack/endpoints.js';
import { databaseUrl, redisUrl } from '../../stack/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the stack answers, provided by test/integration/global-setup.ts. */
    stack: StackEndpoints;
  }
}

/**
 * Where the services of the stack answer, for an integration test: the values the global setup provided,
 * or (outside vitest's integration project) the environment variables it also sets.
 *
 * @example
 * const { kafkaBrokers, schemaRegistryUrl } = endpoints();
 */
export function endpoints(): StackEndpoints {
  const provided = inject('stack');
  if (provided) return provided;
  const brokers = process.env.KAFKA_BROKERS;
  const registry = process.env.SCHEMA_REGISTRY_URL;
  if (!brokers || !registry) {
    throw new Error(
      'No stack endpoints: run this test in the `integration` vitest project (its global setup starts the ' +
        'stack) or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
    );
  }
  return {
    kafkaBrokers: brokers.split(','),
    schemaRegistryUrl: registry,
    databaseUrl: databaseUrl(),
    redisUrl: redisUrl(),
    kafkaVersion: 'external',
    kafkaSource: 'env',
    registrySource: 'env',
  };
}
