/**
 * What the dashboard's event stream (`GET /dashboard/events`, server-sent events) carries: one event type
 * per panel, each a whole snapshot of that panel, sent when it differs from the last one sent. Shared by
 * the server and the browser code (`dashboard-ui/`), which imports these types only.
 */

/** The occupancy heat map of one property: rooms reserved per room type and night. */
export interface OccupancyEvent {
  readonly propertyId: string;
  readonly dates: readonly string[];
  readonly rows: ReadonlyArray<{
    readonly roomType: string;
    /** Per date of `dates`: [rooms reserved, capacity]. */
    readonly nights: ReadonlyArray<readonly [number, number]>;
  }>;
  /** Why the read failed (e.g. the owning instance is rebalancing); the map keeps its last data. */
  readonly error?: string;
}

/** The current nightly rate per room type over the heat map's nights: where demand moved the price. */
export interface RatesEvent {
  readonly propertyId: string;
  readonly dates: readonly string[];
  readonly currency: string;
  /** Per date of `dates`: the rate and the base rate (0 when the read had no entry for the night). */
  readonly rows: ReadonlyArray<{
    readonly roomType: string;
    readonly nights: ReadonlyArray<readonly [number, number]>;
  }>;
  readonly error?: string;
}

/** Booking KPIs per hour window of one property. */
export interface KpisEvent {
  readonly propertyId: string;
  readonly windows: ReadonlyArray<{
    readonly windowStart: string;
    readonly bookings: number;
    readonly adr: string;
    readonly revpar: string;
    readonly currency: string;
  }>;
  readonly error?: string;
}

/** Pipeline health: this instance's streams, task placement across instances, lag per partition. */
export interface PipelineEvent {
  readonly instance: string;
  /** The stream thread's state (`RUNNING`, `REBALANCING`, ...), or `NOT_RUN` when this process runs none. */
  readonly state: string;
  readonly placement: ReadonlyArray<{
    readonly server: string;
    readonly activeTasks: readonly string[];
    readonly standbyTasks: readonly string[];
  }>;
  /** Committed offset versus end offset of the application's group, per input partition. */
  readonly lag: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly lag: number }>;
  readonly error?: string;
}

/** Dead letters per DLQ topic, with those not yet replayed. */
export interface DlqEvent {
  readonly topics: ReadonlyArray<{
    readonly topic: string;
    readonly total: number;
    /** Not replayed yet: what the count on the page shows. */
    readonly pending: ReadonlyArray<{
      readonly partition: number;
      readonly offset: string;
      readonly errorCode: string;
      readonly errorMessage: string;
    }>;
  }>;
  readonly error?: string;
}

/** The event types and their data. */
export interface DashboardEvents {
  readonly occupancy: OccupancyEvent;
  readonly rates: RatesEvent;
  readonly kpis: KpisEvent;
  readonly pipeline: PipelineEvent;
  readonly dlq: DlqEvent;
}
