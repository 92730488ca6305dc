/**
 * The process entry point: one instance of the reservation application (streams runtime with the
 * reservation topology, payment worker, system-of-record sink and HTTP API), configured by environment
 * variables (docs/api.md). Run it with `npx tsx api/main.ts`; several processes with the same
 * APPLICATION_ID form one application. SIGTERM/SIGINT close it cleanly, however many arrive (see
 * `shutdown-on-signals.ts`).
 */
import { loadConfig } from './config.js';
import { shutdownOnSignals } from './shutdown-on-signals.js';
import { createLogger, startApi } from './start-api.js';

const config = loadConfig();
const logger = createLogger(config);
// Installed before the start: a signal while starting closes what has started once the start ends.
const starting = startApi(config, { logger });
shutdownOnSignals(async () => {
  const api = await starting.catch(() => undefined);
  await api?.close();
}, logger);
const api = await starting;
await api.app.listen({ host: config.host, port: config.port });
