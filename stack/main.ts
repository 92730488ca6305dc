/**
 * `npm start` until the reservation pipeline exists: starts (or reuses) the local stack, shows where
 * each service answers, and says plainly that there is no pipeline to run yet. The stack keeps running
 * afterwards; `npm run stack:stop` ends it. When `api/` has its entry point, `npm start` will run that.
 */
import { StackError } from './errors.js';
import { describeEndpoints, startStack } from './stack.js';

try {
  const result = await startStack();
  console.log(`Stack ready in ${(result.elapsedMs / 1000).toFixed(1)} s:`);
  for (const line of describeEndpoints(result.endpoints)) console.log(`  ${line}`);
  console.log('');
  console.log(
    'The hotel reservation pipeline (processors/, api/) is not built yet, so there is nothing to run',
  );
  console.log('on this stack so far. The stack stays up for development; `npm run stack:stop` stops it.');
} catch (error) {
  if (error instanceof StackError) console.error(`${error.code}: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
}
