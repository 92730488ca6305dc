import type { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { regionTotalsTopology } from './region-totals.js';
import type { StreamsInstances } from './streams-instances.js';

/**
 * Makes the members of one region-totals application for group tests (scale-out, a third member joining):
 * each has its own state directory `/tmp/<applicationId>/<name>`, answers interactive queries as
 * `<name>.local:8080` (so the tests can check who holds what), and commits every 200 ms. Not started yet.
 */
export function regionTotalsMembers(
  instances: StreamsInstances,
  topics: { input: string; output: string },
  applicationId: string,
): (name: string) => KafkaStreams {
  return (name) =>
    instances.create(regionTotalsTopology(topics.input, topics.output), {
      applicationId,
      stateDir: `/tmp/${applicationId}/${name}`,
      commitIntervalMs: 200,
      applicationServer: `${name}.local:8080`,
    });
}
