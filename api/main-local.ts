/**
 * `npm start`: the main job on this machine. Starts (or reuses) the local stack (Kafka and the schema
 * registry from Maven Central jars, the machine's Postgres and Redis), points the application at it, and
 * runs one instance of the reservation application (`api/main.ts`: streams runtime with the reservation
 * topology, payment worker, system-of-record sink and HTTP API). Variables that are already set win, so
 * `KAFKA_BROKERS=... npm start` runs against another cluster. The stack keeps running after the
 * application stops; `npm run stack:stop` ends it.
 */
// The library first: its kafkajs adapter installs its correction of kafkajs' read_committed filter
// before it loads kafkajs, and refuses read_committed reads (the dead-letter listing) and exactly-once
// when something else (here: the stack's tooling) loaded kafkajs first.
import '../topology/runtime/index.js';
import { StackError } from '../stack/errors.js';
import { describeEndpoints, startStack } from '../stack/stack.js';

try {
  const { endpoints, elapsedMs } = await startStack();
  console.log(`Stack ready in ${(elapsedMs / 1000).toFixed(1)} s:`);
  for (const line of describeEndpoints(endpoints)) console.log(`  ${line}`);
  process.env.KAFKA_BROKERS ??= endpoints.kafkaBrokers.join(',');
  process.env.SCHEMA_REGISTRY_URL ??= endpoints.schemaRegistryUrl;
  process.env.DATABASE_URL ??= endpoints.databaseUrl;
  process.env.REDIS_URL ??= endpoints.redisUrl;
} catch (error) {
  console.error(error instanceof StackError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
}
console.log('Starting the reservation application (api/main.ts); create an API key with');
console.log('  npx tsx api/cli/api-keys.ts create booking-site --role booking');
await import('./main.js');
