/**
 * API key administration: `npx tsx api/cli/api-keys.ts create <name> --role booking|operator` prints a new
 * key once (only its SHA-256 hash is stored); `revoke <name>` revokes every key of that name. Uses the
 * same environment variables as the server (DATABASE_URL).
 */
import { Command, Option } from 'commander';
import { PostgresApiKeyStore, ROLES, type Role } from '../auth/api-keys.js';
import { withDatabase } from './cli-context.js';

const program = new Command('api-keys').description('Create and revoke API keys of the reservations API');

program
  .command('create')
  .argument('<name>', 'who the key is for, e.g. booking-site')
  .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).default('booking'))
  .description('create a key and print it (it is shown only this once)')
  .action(async (name: string, options: { role: Role }) => {
    const key = await withDatabase((pool) => new PostgresApiKeyStore(pool).create(name, options.role));
    console.log(key);
  });

program
  .command('revoke')
  .argument('<name>', 'the name the keys were created with')
  .description('revoke every key with this name')
  .action(async (name: string) => {
    const count = await withDatabase((pool) => new PostgresApiKeyStore(pool).revoke(name));
    console.log(`revoked ${count} key(s) named ${name}`);
  });

await program.parseAsync();
