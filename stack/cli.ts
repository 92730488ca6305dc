/**
 * The stack's command line: `tsx stack/cli.ts start [--brokers 3] | stop | status`, behind
 * `npm run stack:start`, `stack:stop` and `stack:status`. Exit code 0 when the command did what it says
 * (for `status`: when every service answers), 1 otherwise with a coded error on stderr.
 */
import { parseArgs } from 'node:util';
import { StackError } from './errors.js';
import { describeEndpoints, describeStart, startStack } from './stack.js';
import { stackStatus } from './status.js';
import { stopStack } from './stop.js';

const USAGE = 'usage: tsx stack/cli.ts start [--brokers 1|3] | stop | status';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { brokers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  switch (command) {
    case 'start': {
      const brokers = values.brokers === undefined ? undefined : Number(values.brokers);
      if (brokers !== undefined && (!Number.isInteger(brokers) || brokers < 1 || brokers > 5)) {
        console.error(`--brokers must be a whole number from 1 to 5, got ${values.brokers}`);
        return 1;
      }
      const result = await startStack({ brokers });
      console.log(`Stack ready in ${(result.elapsedMs / 1000).toFixed(1)} s (${describeStart(result)}):`);
      for (const line of describeEndpoints(result.endpoints)) console.log(`  ${line}`);
      console.log('Stop it with `npm run stack:stop`.');
      return 0;
    }
    case 'stop': {
      const stopped = await stopStack();
      console.log(stopped.length > 0 ? 'Stack stopped; no process of ours is left.' : 'Nothing was running.');
      return 0;
    }
    case 'status': {
      const status = await stackStatus();
      for (const service of status.services) {
        const mark = service.answering ? 'up  ' : 'DOWN';
        const pids = service.pids && service.pids.length > 0 ? ` pid ${service.pids.join(',')}` : '';
        console.log(
          `${mark} ${service.name} [${service.source}] ${service.endpoint}${pids}: ${service.detail}`,
        );
        if (!service.answering && service.logFile) console.log(`     log: ${service.logFile}`);
      }
      if (status.owner)
        console.log(`started by: ${status.owner}; test runs using it: ${status.leases.length}`);
      return status.running ? 0 : 1;
    }
    default:
      console.error(`unknown command ${command}; ${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof StackError) console.error(`${error.code}: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
