/**
 * What members and the leader tell each other in a rebalance besides partitions (Kafka Streams'
 * `SubscriptionInfo` and `AssignmentInfo`), and their encodings.
 *
 * - Subscription info: a member's user data at every join (its tasks, how far its local state reaches, its
 *   `applicationServer`, a shutdown or probe request), JSON.
 * - Assignment info: kafkajs hands members no assignment user data, but it reports topics a member was
 *   assigned without subscribing to them, so marker topics carry what is not a partition (standbys,
 *   warm-ups, who runs what, the application shutdown), as base64url JSON in the topic name.
 */

/**
 * The marker topic the leader assigns to every member when one asked to shut the whole application down
 * (`SHUTDOWN_APPLICATION`): kafkajs reports it as an unsubscribed topic, which the members watch for.
 */
export const SHUTDOWN_APPLICATION_MARKER = '__tstreams_shutdown_application__';

/**
 * Prefix of the marker topic that carries which server (`applicationServer`) runs which tasks, active and
 * standby, as base64url JSON `{ "<host:port>": { "a": ["1_0"], "s": ["0_1"] } }`.
 */
export const HOSTS_MARKER_PREFIX = '__tstreams_hosts__.';

/**
 * Prefix of the marker topic that tells one member its standby tasks, which of them are warm-ups and
 * whether it should trigger a probing rebalance once they caught up: base64url JSON `{ s, w, p }`.
 */
export const STANDBY_MARKER_PREFIX = '__tstreams_standby__.';

/** The tasks one server runs. */
export interface HostTasks {
  readonly active: ReadonlyArray<string>;
  readonly standby: ReadonlyArray<string>;
}

/** A member's standby assignment. */
export interface StandbyAssignment {
  readonly standby: ReadonlyArray<string>;
  /** The subset of `standby` that warms up for a move. */
  readonly warmups: ReadonlyArray<string>;
  /** True when the leader kept tasks back for warm-ups: rejoin once they caught up. */
  readonly probingRebalance: boolean;
}

/** What a member sends with every join. */
export interface MemberSubscription {
  /** Active tasks it runs now (stickiness). */
  readonly tasks: ReadonlyArray<string>;
  /**
   * Per task it holds local state of (standby, or a checkpoint on disk): the sum over the task's changelog
   * partitions of the next offset that state would read. The leader turns it into a lag.
   */
  readonly offsets?: Readonly<Record<string, number>>;
  /** Asks the whole application to shut down. */
  readonly shutdown?: boolean;
  /** A short-lived member that only triggers a rebalance: it gets no tasks. */
  readonly probe?: boolean;
  readonly server?: string;
}

/** The user data a member joins with. */
export function encodeSubscription(subscription: MemberSubscription): Buffer {
  return Buffer.from(JSON.stringify({ version: 2, ...subscription }));
}

/** Reads a member's user data; a member of another version or with none asks for nothing. */
export function decodeSubscription(userData: Buffer): MemberSubscription {
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as Record<string, unknown>;
    const offsets: Record<string, number> = {};
    if (typeof parsed.offsets === 'object' && parsed.offsets !== null) {
      for (const [task, offset] of Object.entries(parsed.offsets as Record<string, unknown>))
        if (typeof offset === 'number' && Number.isFinite(offset)) offsets[task] = offset;
    }
    return {
      tasks: strings(parsed.tasks),
      offsets,
      shutdown: parsed.shutdown === true,
      probe: parsed.probe === true,
      ...(typeof parsed.server === 'string' ? { server: parsed.server } : {}),
    };
  } catch {
    // A member of another version or with no user data: no stickiness, no request.
    return { tasks: [] };
  }
}

/** The hosts marker topic for `hosts` (server to its active and standby task ids). */
export function encodeHostsMarker(hosts: Record<string, { a: string[]; s: string[] }>): string {
  return encodeMarker(HOSTS_MARKER_PREFIX, hosts);
}

/** Decodes a hosts marker topic name, or returns undefined for any other name. */
export function decodeHostsMarker(topic: string): Map<string, HostTasks> | undefined {
  const parsed = decodeMarker(topic, HOSTS_MARKER_PREFIX);
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) return undefined;
  const hosts = new Map<string, HostTasks>();
  for (const [server, value] of Object.entries(parsed as Record<string, { a?: unknown; s?: unknown }>)) {
    hosts.set(server, { active: strings(value?.a), standby: strings(value?.s) });
  }
  return hosts;
}

/** The standby marker topic of one member. */
export function encodeStandbyMarker(assignment: StandbyAssignment): string {
  return encodeMarker(STANDBY_MARKER_PREFIX, {
    s: assignment.standby,
    w: assignment.warmups,
    p: assignment.probingRebalance,
  });
}

/** Decodes a standby marker topic name, or returns undefined for any other name. */
export function decodeStandbyMarker(topic: string): StandbyAssignment | undefined {
  const parsed = decodeMarker(topic, STANDBY_MARKER_PREFIX) as
    | { s?: unknown; w?: unknown; p?: unknown }
    | undefined;
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) return undefined;
  return { standby: strings(parsed.s), warmups: strings(parsed.w), probingRebalance: parsed.p === true };
}

function encodeMarker(prefix: string, value: unknown): string {
  return `${prefix}${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
}

function decodeMarker(topic: string, prefix: string): unknown {
  if (!topic.startsWith(prefix)) return undefined;
  try {
    return JSON.parse(Buffer.from(topic.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
