/**
 * The reservation topology as a topology module (`StreamsConfig.topologyModule`): with `--threads N` each
 * stream thread's worker imports it and builds the same topology as `pipeline-process.ts` (its own
 * registry client and serdes, warmed before the thread joins the group).
 */
import { warmUpSerdes } from '../../api/kafka/warm-up-serdes.js';
import { loadPropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import { buildReservationTopology } from '../../processors/topology/build-reservation-topology.js';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import type { Topology } from '../../topology/topology.js';

/** What `pipeline-process.ts` passes as `topologyModuleArgs`. */
export interface ReservationTopologyArgs {
  readonly catalogPath: string;
  readonly registryUrl: string;
}

export async function buildTopology(args: ReservationTopologyArgs): Promise<Topology> {
  const registry = new HttpSchemaRegistryClient({ url: args.registryUrl });
  const serdes = avroReservationSerdes(registry);
  await warmUpSerdes(serdes, registry);
  return buildReservationTopology({ catalog: loadPropertyCatalog(args.catalogPath), serdes });
}
