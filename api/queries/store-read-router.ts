/**
 * Decides where a read keyed by a property id is answered: the state stores of the streams task that owns
 * the property's partition hold the answer, so this instance answers when it runs that task and forwards
 * the request to the instance that does otherwise ({@link forwardRead}). While the group rebalances or a
 * task restores, or the owner is unknown, the read fails with a retriable 503
 * ({@link StoreUnavailableError}) rather than answer from a store that is missing or incomplete.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forwardRead, isForwarded, SERVED_BY_HEADER } from './forward-read.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** What the router needs of the streams runtime (`KafkaStreams` has it). */
export interface QueryableStreams {
  readonly state: string;
  metadataForKey(
    storeName: string,
    keyBytes: Buffer,
  ): { readonly server: string | undefined; readonly partition: number } | undefined;
  /** The store of the local active task of `partition`; throws a retriable runtime error otherwise. */
  store<S>(storeName: string, partition: number): S;
}

/** Routes reads to the owner of their key; see the file comment. */
export interface ReadRouting {
  /**
   * Forwards the request when another instance owns `propertyId`'s partition of `storeName` and resolves
   * `true` once that instance's answer is sent; resolves `false` when this instance owns it (the caller
   * answers, with {@link StoreReadRouter.localStore}). Throws a {@link StoreUnavailableError}.
   */
  forward(
    request: FastifyRequest,
    reply: FastifyReply,
    storeName: string,
    propertyId: string,
  ): Promise<boolean>;
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

/** {@link ReadRouting} over the streams' key metadata, plus access to the local stores. */
export class StoreReadRouter implements ReadRouting {
  readonly #options: StoreReadRouterOptions;

  constructor(options: StoreReadRouterOptions) {
    this.#options = options;
  }

  /** This instance's advertised server. */
  get self(): string {
    return this.#options.self;
  }

  async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    storeName: string,
    propertyId: string,
  ): Promise<boolean> {
    const owner = this.#owner(storeName, propertyId);
    if (owner.server === this.#options.self) {
      reply.header(SERVED_BY_HEADER, this.#options.self);
      return false;
    }
    if (isForwarded(request)) {
      throw new StoreUnavailableError(
        'NOT_OWNER',
        `this instance (${this.#options.self}) no longer owns property ${propertyId}; ${owner.server} does now`,
      );
    }
    await forwardRead(request, reply, owner.server, this.#options.forwardTimeoutMs);
    return true;
  }

  /**
   * The store of `propertyId`'s partition on this instance, for the read {@link forward} left here.
   * Throws a {@link StoreUnavailableError} when the instance stopped running or lost the partition since.
   */
  localStore<S>(storeName: string, propertyId: string): S {
    const { partition } = this.#owner(storeName, propertyId);
    try {
      return this.#options.streams.store<S>(storeName, partition);
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable !== true) throw error;
      throw new StoreUnavailableError(
        'REBALANCING',
        `store ${storeName} of partition ${partition} is not readable on this instance now (${(error as Error).message})`,
        error,
      );
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
