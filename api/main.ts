/**
 * The process entry point: one instance of the reservation application (streams runtime with the
 * reservation topology, payment worker, system-of-record sink and HTTP API), configured by environment
 * variables (docs/api.md). Run it with `npx tsx api/main.ts`; several processes with the same
 * APPLICATION_ID form one application. SIGTERM/SIGINT close it cleanly.
 */
import { loadConfig } from './config.js';
import { startApi } from './start-api.js';

const config = loadConfig();
const api = await startApi(config);
await api.app.listen({ host: config.host, port: config.port });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    api.app.log.info({ signal }, 'shutting down');
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
