/**
 * The steady input of `restore-off-processing-path.test.ts`, in a process of its own so that its sends
 * do not wait for the event loop of the instance under test: one record every `EVERY_MS` (10) to `INPUT`,
 * its value `{ seq, sentAt }` stamped just before the send. On SIGTERM it finishes the send under way,
 * prints `SENT <count>` and exits.
 */
import pino from 'pino';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';

const topic = process.env.INPUT!;
const everyMs = Number(process.env.EVERY_MS ?? 10);
// As the tests' `inputProducer`, the port's idempotent producer (test/support imports vitest, which a
// plain process cannot load).
const producer = createKafkaClient({
  clientId: 'steady-producer',
  brokers: process.env.KAFKA_BROKERS!.split(','),
  logger: pino({ level: 'silent' }),
}).producer();
let flowing = true;
process.on('SIGTERM', () => {
  flowing = false;
});
await producer.connect();
console.log('PRODUCING');
let sent = 0;
while (flowing) {
  const sentAt = Date.now();
  const failures = await producer.send([
    {
      topic,
      key: Buffer.from(`t${sent % 10}`),
      value: Buffer.from(JSON.stringify({ seq: sent, sentAt })),
      timestamp: sentAt,
    },
  ]);
  if (failures.length > 0) throw failures[0]!.error;
  sent++;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - sentAt))));
}
await producer.disconnect();
console.log(`SENT ${sent}`);
process.exit(0);
