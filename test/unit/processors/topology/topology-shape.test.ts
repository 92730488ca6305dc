import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPropertyCatalog } from '../../../../processors/domain/reference-data-loader.js';
import {
  buildReservationTopology,
  INPUT_TOPICS,
  OUTPUT_TOPICS,
  SETTLEMENT_INPUT_TOPICS,
} from '../../../../processors/topology/build-reservation-topology.js';
import { reservationTopologyDoc, TOPOLOGY_DOC_PATH } from '../../../../processors/topology/describe-doc.js';
import { jsonReservationSerdes } from '../../../../processors/topology/serdes.js';
import { TopologyTestDriver } from '../../../../topology/test-driver.js';
import type { Topology } from '../../../../topology/topology.js';
import { catalog, created } from './harness.js';

/** Every topic a source node of the description reads. */
function sourceTopics(json: ReturnType<ReturnType<Topology['describe']>['toJSON']>): string[] {
  return json.subtopologies.flatMap((sub) =>
    sub.nodes.flatMap((node) => (node.type === 'source' ? [...(node.topics ?? [])] : [])),
  );
}

describe('the reservation topology', () => {
  const topology = buildReservationTopology({
    catalog: loadPropertyCatalog(),
    serdes: jsonReservationSerdes(),
  });
  const json = topology.describe().toJSON();

  it('is one sub-topology, so every event of a property is handled by one task, in order', () => {
    expect(json.subtopologies).toHaveLength(1);
  });

  it('reads the command topics and writes every event topic it owns', () => {
    const text = topology.describe().toString();
    expect(sourceTopics(json).sort()).toEqual(
      [...Object.keys(INPUT_TOPICS), ...SETTLEMENT_INPUT_TOPICS].sort(),
    );
    for (const topic of [...Object.keys(OUTPUT_TOPICS), 'payment.requests'])
      expect(text).toContain(`(topic: ${topic})`);
  });

  it('is documented by its describe() diagram (regenerate with `npx tsx processors/topology/describe-doc.ts`)', () => {
    // Compared by names rather than byte for byte, so that a change in how the library draws diagrams
    // does not fail this test; a new or renamed node, store or topic does.
    const doc = readFileSync(TOPOLOGY_DOC_PATH, 'utf8');
    const names = (markdown: string) =>
      [...markdown.matchAll(/(?:source|processor|sink): ([\w.:-]+)|\(\["([\w.-]+)"\]\)|\[\("([\w.-]+)"\)\]/g)]
        .map((m) => m[1] ?? m[2] ?? m[3])
        .sort();
    expect(names(doc)).toEqual(names(reservationTopologyDoc()));
    expect(names(doc).length).toBeGreaterThan(30);
  });
});

describe('the reservation topology behind a topic prefix', () => {
  it('reads and writes only prefixed topics and still dispatches by topic', async () => {
    const serdes = jsonReservationSerdes();
    const topology = buildReservationTopology({
      catalog,
      serdes,
      persistentStores: false,
      topicPrefix: 'it-7.',
    });
    const text = topology.describe().toString();
    const topics = sourceTopics(topology.describe().toJSON());
    expect(topics).toContain('it-7.reservation.created');
    expect(topics.every((topic) => topic.startsWith('it-7.'))).toBe(true);
    expect(text).toContain('(topic: it-7.payment.requests)');
    expect(text).not.toMatch(/\(topics?: \[?(reservation|payment|availability|rate|analytics)\./);
    const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
    try {
      const guest = created();
      driver
        .createInputTopic('it-7.reservation.created', serdes.key, serdes.value('reservation.created'))
        .pipeInput(guest.propertyId, guest, Date.UTC(2026, 6, 1));
      const updates = driver
        .createOutputTopic('it-7.availability.updated', serdes.key, serdes.value('availability.updated'))
        .readValuesToList();
      expect(updates.map((u) => [u.stayDate, u.delta])).toEqual([
        ['2026-08-10', 1],
        ['2026-08-11', 1],
      ]);
    } finally {
      await driver.close();
    }
  });
});
