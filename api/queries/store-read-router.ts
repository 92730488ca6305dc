/**
 * Decides where a read keyed by a property id is answered: the state stores of the streams task that owns
 * the property's partition hold the answer, so this instance answers when it runs that task and forwards
 * the request to the instance that does otherwise ({@link forwardRead}). While the group rebalances or a
 * task restores, or the owner is unknown or unreachable, the read fails with a retriable 503
 * ({@link StoreUnavailableError}) rather than answer from a store that is missing or incomplete.
 *
 * Stale reads (Kafka Streams' KIP-535): a request with {@link ACCEPT_STALE_HEADER} (`x-accept-stale: <n>`)
 * accepts an answer from a replica up to `n` records behind its changelog's end. When the strict route
 * fails as above (typically: the owner was killed and the group has not noticed yet, or it is rebalancing),
 * such a read is answered from this instance's standby copy of the partition when it lags at most `n`,
 * or forwarded to an instance with a standby copy; the answer says how far behind it was in
 * {@link STORE_LAG_HEADER}. Without a replica within `n`, the 503 stands.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import {
  ACCEPT_STALE_HEADER,
  forwardRead,
  isForwarded,
  SERVED_BY_HEADER,
  STORE_LAG_HEADER,
} from './forward-read.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** What the router needs of the streams runtime (`KafkaStreams` has it). */
export interface QueryableStreams {
  readonly state: string;
  metadataForKey(
    storeName: string,
    keyBytes: Buffer,
  ):
    | {
        readonly server: string | undefined;
        readonly standbyServers: readonly string[];
        readonly partition: number;
      }
    | undefined;
  /** The store of the local active task of `partition`; throws a retriable runtime error otherwise. */
  store<S>(storeName: string, partition: number): S;
  /** The local active store (lag 0) or a local standby's copy with its lag; throws a retriable error otherwise. */
  staleStore<S>(storeName: string, partition: number): { readonly store: S; readonly lag: number };
}

/** The result of {@link ReadRouting.route} when another instance's answer was sent. */
export const FORWARDED: unique symbol = Symbol('forwarded');

/** Routes reads to the owner of their key (or, for stale reads, a replica); see the file comment. */
export interface ReadRouting {
  /**
   * Forwards the request when another instance answers `propertyId`'s partition of `storeName` and
   * resolves {@link FORWARDED} once that answer is sent; runs `readHere` (whose stores come from
   * {@link StoreReadRouter.localStore}) and resolves its result when this instance answers. Throws a
   * {@link StoreUnavailableError}.
   */
  route<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    storeName: string,
    propertyId: string,
    readHere: () => Promise<T>,
  ): Promise<T | typeof FORWARDED>;
}

/** Options of {@link StoreReadRouter}. */
export interface StoreReadRouterOptions {
  readonly streams: QueryableStreams;
  /** This instance's advertised `host:port` (the `applicationServer` of its streams). */
  readonly self: string;
  /** The property id serialized as the topology's input topics key it (the partitioner hashes these bytes). */
  readonly keyBytes: (propertyId: string) => Buffer;
  readonly forwardTimeoutMs?: number;
}

/** A stale read in progress: the lag it accepts, and the largest lag of the replicas it read. */
interface StaleScope {
  readonly maxLag: number;
  lag: number;
}

/** {@link ReadRouting} over the streams' key metadata, plus access to the local stores. */
export class StoreReadRouter implements ReadRouting {
  readonly #options: StoreReadRouterOptions;
  /** Set while `readHere` of a stale read runs: {@link localStore} then hands out replicas within its lag. */
  readonly #stale = new AsyncLocalStorage<StaleScope | undefined>();

  constructor(options: StoreReadRouterOptions) {
    this.#options = options;
  }

  /** This instance's advertised server. */
  get self(): string {
    return this.#options.self;
  }

  async route<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    storeName: string,
    propertyId: string,
    readHere: () => Promise<T>,
  ): Promise<T | typeof FORWARDED> {
    const maxLag = acceptedLag(request);
    try {
      const owner = this.#owner(storeName, propertyId);
      if (owner.server === this.#options.self) {
        const value = await this.#stale.run(undefined, readHere);
        reply.header(SERVED_BY_HEADER, this.#options.self);
        return value;
      }
      if (isForwarded(request)) {
        throw new StoreUnavailableError(
          'NOT_OWNER',
          `this instance (${this.#options.self}) no longer owns property ${propertyId}; ${owner.server} does now`,
        );
      }
      await forwardRead(request, reply, owner.server, this.#options.forwardTimeoutMs);
      return FORWARDED;
    } catch (error) {
      if (maxLag === undefined || !(error instanceof StoreUnavailableError)) throw error;
      return this.#routeStale(request, reply, storeName, propertyId, maxLag, readHere, error);
    }
  }

  /**
   * The store of `propertyId`'s partition on this instance, for the read {@link route} left here: the
   * active task's, or within a stale read a replica within its accepted lag. Throws a
   * {@link StoreUnavailableError} when the instance stopped running or lost the partition since.
   */
  localStore<S>(storeName: string, propertyId: string): S {
    const { streams, keyBytes } = this.#options;
    const partition = streams.metadataForKey(storeName, keyBytes(propertyId))?.partition;
    const scope = this.#stale.getStore();
    try {
      if (partition === undefined)
        throw Object.assign(new Error('the partition is not known yet'), { retriable: true });
      if (scope === undefined) return streams.store<S>(storeName, partition);
      const replica = streams.staleStore<S>(storeName, partition);
      if (replica.lag > scope.maxLag) {
        throw Object.assign(new Error(`its replica here lags ${replica.lag} records, over ${scope.maxLag}`), {
          retriable: true,
        });
      }
      scope.lag = Math.max(scope.lag, replica.lag);
      return replica.store;
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable !== true) throw error;
      throw new StoreUnavailableError(
        'REBALANCING',
        `store ${storeName} of partition ${partition} is not readable on this instance now (${(error as Error).message})`,
        error,
      );
    }
  }

  /**
   * The stale route, after the strict one failed with `cause`: this instance's replica when it lags at
   * most `maxLag`, otherwise the first instance with a standby copy that answers (a forwarded request is
   * not forwarded again), otherwise `cause`.
   */
  async #routeStale<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    storeName: string,
    propertyId: string,
    maxLag: number,
    readHere: () => Promise<T>,
    cause: StoreUnavailableError,
  ): Promise<T | typeof FORWARDED> {
    const { streams, self, keyBytes, forwardTimeoutMs } = this.#options;
    const where = streams.metadataForKey(storeName, keyBytes(propertyId));
    if (where === undefined) throw cause;
    if (this.#holdsWithin(storeName, where.partition, maxLag)) {
      const scope: StaleScope = { maxLag, lag: 0 };
      const value = await this.#stale.run(scope, readHere);
      reply.header(SERVED_BY_HEADER, self);
      reply.header(STORE_LAG_HEADER, String(scope.lag));
      return value;
    }
    if (!isForwarded(request)) {
      for (const server of where.standbyServers) {
        if (server === self) continue;
        try {
          await forwardRead(request, reply, server, forwardTimeoutMs);
          return FORWARDED;
        } catch (error) {
          if (!(error instanceof StoreUnavailableError)) throw error;
        }
      }
    }
    throw cause;
  }

  /** Does this instance hold a readable replica of the partition within `maxLag` records? */
  #holdsWithin(storeName: string, partition: number, maxLag: number): boolean {
    try {
      return this.#options.streams.staleStore(storeName, partition).lag <= maxLag;
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable === true) return false;
      throw error;
    }
  }

  #owner(storeName: string, propertyId: string): { server: string; partition: number } {
    const { streams } = this.#options;
    // Metadata is that of the last completed rebalance: trusted only while the instance runs.
    if (streams.state !== 'RUNNING') {
      throw new StoreUnavailableError(
        'REBALANCING',
        `the streams of this instance are ${streams.state} (rebalancing or restoring state)`,
      );
    }
    const where = streams.metadataForKey(storeName, this.#options.keyBytes(propertyId));
    if (where === undefined || where.server === undefined) {
      throw new StoreUnavailableError(
        'OWNER_UNKNOWN',
        `no instance is known to hold store ${storeName} for property ${propertyId} yet`,
      );
    }
    return { server: where.server, partition: where.partition };
  }
}

/**
 * The lag the request accepts ({@link ACCEPT_STALE_HEADER}), undefined when it does not opt in. A value
 * that is not a whole number of records is refused (400) rather than read as "no" or "any".
 */
function acceptedLag(request: FastifyRequest): number | undefined {
  const value = request.headers[ACCEPT_STALE_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) {
    throw new ApiError(
      'API_ERR_VALIDATION',
      `${ACCEPT_STALE_HEADER} must be a whole number of records, e.g. 1000`,
      {
        details: { field: ACCEPT_STALE_HEADER },
      },
    );
  }
  return Number(value.trim());
}
