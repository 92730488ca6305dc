/**
 * Dead-letter operations from a shell: `npx tsx api/cli/dlq.ts list <topic>.dlq [--limit n]` lists the
 * records with their error and source; `replay <topic>.dlq (--all | --record <partition:offset>...)`
 * sends them back to their source topic, each at most once (recorded in Postgres `ops.dlq_replay`, the
 * same record the API's replay route keeps). Same environment variables as the server.
 */

import { userInfo } from 'node:os';
import { Command } from 'commander';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import type { DeadLetterService } from '../dlq/dead-letters.js';
import { KafkaDeadLetterService } from '../dlq/kafka-dead-letter-service.js';
import { KafkaEventPublisher } from '../kafka/kafka-event-publisher.js';
import { topicNamer } from '../kafka/topics.js';
import { kafkaClient, withDatabase } from './cli-context.js';

async function withService<T>(work: (service: DeadLetterService) => Promise<T>): Promise<T> {
  return withDatabase(async (pool, config) => {
    const kafka = kafkaClient(config);
    const registry = new HttpSchemaRegistryClient({ url: config.schemaRegistryUrl });
    const publisher = new KafkaEventPublisher(kafka, registry, topicNamer(config.topicPrefix));
    await publisher.connect();
    try {
      return await work(new KafkaDeadLetterService(kafka, pool, publisher, registry));
    } finally {
      await publisher.close();
    }
  });
}

function dlqTopic(topic: string): string {
  if (!topic.endsWith('.dlq'))
    throw new Error(`${topic} is not a dead-letter topic; name the <topic>.dlq topic`);
  return topic;
}

const program = new Command('dlq').description('List and replay dead-lettered records');

program
  .command('list')
  .argument('<topic>', 'the dead-letter topic, e.g. reservation.created.dlq')
  .option('--limit <n>', 'at most this many records', '100')
  .action(async (topic: string, options: { limit: string }) => {
    const records = await withService((s) => s.list(dlqTopic(topic), Number(options.limit)));
    for (const r of records) {
      const replayed = r.replayed === null ? '' : `  [replayed ${r.replayed.at} by ${r.replayed.by}]`;
      console.log(
        `${r.partition}:${r.offset}  ${r.sourceTopic}[${r.sourcePartition ?? '?'}]@${r.sourceOffset ?? '?'}  ${r.errorCode}: ${r.errorMessage}${replayed}`,
      );
    }
    console.log(`${records.length} record(s)`);
  });

program
  .command('replay')
  .argument('<topic>', 'the dead-letter topic, e.g. reservation.created.dlq')
  .option('--all', 'replay every record not replayed before')
  .option('--record <partition:offset...>', 'replay these records')
  .option('--by <name>', 'who replays, for the record', userInfo().username)
  .action(async (topic: string, options: { all?: boolean; record?: string[]; by: string }) => {
    if (!options.all && (options.record ?? []).length === 0) {
      throw new Error('say what to replay: --all, or --record <partition:offset> (repeatable)');
    }
    const selection = options.all
      ? ({ all: true } as const)
      : {
          records: (options.record ?? []).map((text) => {
            const [partition, offset] = text.split(':');
            if (
              partition === undefined ||
              offset === undefined ||
              !/^\d+$/.test(partition) ||
              !/^\d+$/.test(offset)
            ) {
              throw new Error(`--record ${text} is not <partition:offset>, e.g. 0:42`);
            }
            return { partition: Number(partition), offset };
          }),
        };
    const result = await withService((s) => s.replay(dlqTopic(topic), selection, options.by));
    for (const r of result.replayed) console.log(`replayed ${r.partition}:${r.offset} -> ${r.targetTopic}`);
    for (const s of result.skipped) console.log(`skipped ${s.partition}:${s.offset}: ${s.reason}`);
  });

await program.parseAsync();
