/**
 * The topology module of `numStreamThreads > 1` (`StreamsConfig.topologyModule`): a stream thread's worker
 * cannot receive the topology (it holds functions), so it imports this module and builds its own.
 */
import type { Topology } from '../topology.js';
import type { StreamsConfig } from './config.js';
import { RuntimeError } from './errors.js';

/** What a topology module exports. */
export interface TopologyModule {
  /** Builds the topology each stream thread runs: the same one the main thread was given. */
  readonly buildTopology: (args: unknown) => Topology | Promise<Topology>;
  /**
   * The options a worker cannot receive from the main thread because they are functions or objects (the
   * logger, handler functions, a SASL token provider); merged over what the main thread sent.
   */
  readonly streamsConfig?: Partial<StreamsConfig>;
}

/** Imports the module at `url` and checks its exports (`STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID`). */
export async function importTopologyModule(url: string): Promise<TopologyModule> {
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      `topologyModule ${url} could not be imported in a stream thread: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (typeof module.buildTopology !== 'function') {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      `topologyModule ${url} has no export buildTopology: export a function (args) => Topology`,
    );
  }
  const streamsConfig = module.streamsConfig;
  if (streamsConfig !== undefined && (typeof streamsConfig !== 'object' || streamsConfig === null)) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      `topologyModule ${url} exports streamsConfig that is not an object`,
    );
  }
  return module as unknown as TopologyModule;
}
