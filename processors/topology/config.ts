/**
 * Configuration of the reservation topology: reference data, pricing, KPI windows, stores and serdes.
 * Everything has a default except the property catalog and the serdes of the event topics.
 */

import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { Serde } from '../../schemas/serde.js';
import { type RollUp, validateRollUp } from '../../state/index.js';
import { DEFAULT_PRICING, type PricingConfig, validatePricingConfig } from '../domain/pricing.js';
import type { PropertyCatalog } from '../domain/reference-data.js';
import { DEFAULT_STAY_LIMITS, type StayLimits } from '../domain/stay.js';
import type { PaymentRequest } from './payment-request.js';
import type { ReservationState } from './reservation-state.js';

/** One family of event-time windows of the booking KPIs. */
export interface KpiWindowSpec {
  /** Used in store names and event ids, e.g. `1m`. */
  readonly name: string;
  readonly sizeMs: number;
  /** Equal to `sizeMs` for tumbling windows. */
  readonly advanceMs: number;
  /**
   * Not aggregated itself: each window is the sum of the windows of the tumbling family named here, which
   * must tile it (that family's size divides this one's size and advance). Its final results are
   * published when stream time closes it, as an aggregated family's are; its open windows are read by
   * summing the other family's store. One store update per fact instead of one per window containing it.
   */
  readonly sumOf?: string;
  /** Final results go to `analytics.booking-kpis` (default true; false for a family kept only to be summed). */
  readonly published?: boolean;
}

/** Serdes of every topic the topology reads or writes, and of its stores' values. */
export interface ReservationSerdes {
  /** Keys of every topic: the property id. */
  readonly key: Serde<string>;
  /** The value serde of an event topic (Avro in production, JSON in unit tests). */
  value<T extends TopicName>(topic: T): Serde<TopicValue<T>>;
  readonly paymentRequest: Serde<PaymentRequest>;
  readonly reservationState: Serde<ReservationState>;
}

/** Everything {@link buildReservationTopology} needs. */
export interface ReservationTopologyConfig {
  readonly catalog: PropertyCatalog;
  readonly serdes: ReservationSerdes;
  readonly pricing?: PricingConfig;
  readonly stayLimits?: StayLimits;
  /**
   * Default: a 1-minute tumbling window, and a 1-hour window advancing every 5 minutes summed from a
   * 5-minute tumbling window (kept, not published).
   */
  readonly kpiWindows?: readonly KpiWindowSpec[];
  /** How long after a window ends late events are still counted (default 60 s). */
  readonly kpiGraceMs?: number;
  /** How long after a property's business day ends (local midnight) its payments are settled (default 1 h). */
  readonly settlementDelayMs?: number;
  /**
   * How long a reservation in a final status (rejected, cancelled, checked out) stays in the
   * `reservations` store after its last change, in stream time (default 30 days); Postgres keeps it.
   */
  readonly reservationRetentionMs?: number;
  /**
   * Put before every topic name the topology reads or writes (default none), so that a test or a second
   * environment on the same cluster has topics of its own, e.g. `it-42.` → `it-42.reservation.created`.
   * Serdes are still asked for the unprefixed name (the schema of the topic).
   */
  readonly topicPrefix?: string;
  /** RocksDB stores (default) or in-memory ones (faster unit tests). */
  readonly persistentStores?: boolean;
}

/** The config with every default filled in. */
export interface ResolvedConfig {
  readonly catalog: PropertyCatalog;
  readonly serdes: ReservationSerdes;
  readonly pricing: PricingConfig;
  readonly stayLimits: StayLimits;
  readonly kpiWindows: readonly KpiWindowSpec[];
  readonly kpiGraceMs: number;
  readonly settlementDelayMs: number;
  readonly reservationRetentionMs: number;
  readonly topicPrefix: string;
  readonly persistentStores: boolean;
}

/**
 * The default KPI windows: tumbling 1 minute; hopping 1 hour every 5 minutes, summed from tumbling 5-minute
 * windows (which are stored and queryable, not published).
 */
export const DEFAULT_KPI_WINDOWS: readonly KpiWindowSpec[] = Object.freeze([
  { name: '1m', sizeMs: 60_000, advanceMs: 60_000 },
  { name: '5m', sizeMs: 300_000, advanceMs: 300_000, published: false },
  { name: '1h', sizeMs: 3_600_000, advanceMs: 300_000, sumOf: '5m' },
]);

/**
 * Throws unless every family summed from another names a tumbling, aggregated family of the list whose
 * windows tile it, and names are unique.
 */
export function validateKpiWindows(specs: readonly KpiWindowSpec[]): readonly KpiWindowSpec[] {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  if (byName.size !== specs.length) throw new RangeError('KPI window families need unique names');
  for (const spec of specs) {
    if (spec.sumOf === undefined) continue;
    const parts = byName.get(spec.sumOf);
    if (parts === undefined || parts.sumOf !== undefined || parts.advanceMs !== parts.sizeMs) {
      throw new RangeError(
        `the KPI window family "${spec.name}" sums "${spec.sumOf}", which must be a tumbling family of the list that is aggregated, not summed`,
      );
    }
    validateRollUp(partsOf(spec, parts));
  }
  return specs;
}

/** The roll-up shape of a family summed from `parts`. */
export function partsOf(spec: KpiWindowSpec, parts: KpiWindowSpec): RollUp {
  return { partSizeMs: parts.sizeMs, sizeMs: spec.sizeMs, advanceMs: spec.advanceMs };
}

/** Fills in defaults and validates the pricing config. */
export function resolveConfig(config: ReservationTopologyConfig): ResolvedConfig {
  return {
    catalog: config.catalog,
    serdes: config.serdes,
    pricing: validatePricingConfig(config.pricing ?? DEFAULT_PRICING),
    stayLimits: config.stayLimits ?? DEFAULT_STAY_LIMITS,
    kpiWindows: validateKpiWindows(config.kpiWindows ?? DEFAULT_KPI_WINDOWS),
    kpiGraceMs: config.kpiGraceMs ?? 60_000,
    settlementDelayMs: config.settlementDelayMs ?? 3_600_000,
    reservationRetentionMs: config.reservationRetentionMs ?? 30 * 86_400_000,
    topicPrefix: config.topicPrefix ?? '',
    persistentStores: config.persistentStores ?? true,
  };
}

/** Names of the topology's state stores (their changelogs are `<applicationId>-<name>-changelog`). */
export const STORES = {
  /** `<propertyId>|<roomType>|<YYYY-MM>` → rooms sold on each day of the month (see `inventory-store.ts`). */
  inventory: 'inventory',
  /** confirmation number → {@link ReservationState}. */
  reservations: 'reservations',
  /** `<propertyId>|<roomType>|<YYYY-MM>` → the nightly rate of each day set, minor units (`inventory-store.ts`). */
  rates: 'rates',
  /**
   * Window store: `<propertyId>|<roomType>` → one entry per booking at its event time, for the pricing pace.
   * (KPI window stores are `kpis-<window name>`, with their final-result buffers `kpis-<name>-final-store`;
   * a family summed from another has no store of its own but `kpis-<name>-closed`, the end of the last window
   * it published.)
   */
  pace: 'booking-pace',
} as const;

/** The key of a (property, room type, night), as `alert-states` keys its stay nights; sorts by property, type, night. */
export function nightKey(propertyId: string, roomType: string, night: string): string {
  return `${propertyId}|${roomType}|${night}`;
}
