/**
 * Warms the topology's Avro serdes before the streams runtime starts: `prepare` registers (or looks up)
 * each topic's writer schema, and a `prepareBatch` over the subject's latest id installs its reader. The
 * runtime does not await `prepare`/`prepareBatch` yet (it dead-letters records with
 * `STRM_ERR_SERDE_NOT_PREPARED`); once it does, this warm-up is merely a head start. Writers with an
 * older schema version still need the runtime's own `prepareBatch`.
 */
import type { ReservationSerdes } from '../../processors/topology/config.js';
import { TOPIC_SCHEMAS, type TopicName } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { WIRE_HEADER_SIZE } from '../../schemas/wire-format.js';
import type { TopicNamer } from './topics.js';

/**
 * Prepares the value serde of every event topic in `serdes` for writing and reading, under the names the
 * topics have on the cluster (`name`: the topic prefix, if any).
 */
export async function warmUpSerdes(
  serdes: ReservationSerdes,
  registry: SchemaRegistryClient,
  name: TopicNamer = (topic) => topic,
): Promise<void> {
  for (const pipelineTopic of Object.keys(TOPIC_SCHEMAS) as TopicName[]) {
    const serde = serdes.value(pipelineTopic);
    const topic = name(pipelineTopic);
    const context = { topic, isKey: false } as const;
    await serde.prepare?.(context);
    const latest = await registry.getLatest(`${topic}-value`);
    // A bare wire-format header is enough for prepareBatch to fetch and install the reader of that id.
    const header = Buffer.alloc(WIRE_HEADER_SIZE);
    header.writeUInt32BE(latest.id, 1);
    await serde.prepareBatch?.([header], context);
  }
}
