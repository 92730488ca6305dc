/**
 * What members and the leader tell each other in a rebalance besides partitions (Kafka Streams'
 * `SubscriptionInfo` and `AssignmentInfo`), and their encodings.
 *
 * - Subscription info: a member's user data at every join (its tasks, how far its local state reaches, its
 *   `applicationServer`, a shutdown or probe request), JSON.
 * - Assignment info: the assignment's user data for one member, JSON: what is not a partition (its
 *   standbys and warm-ups, who runs what, the application shutdown). The client port carries it (kafkajs
 *   drops assignment user data; its adapter carries it as a marker topic, `kafkajs/assigner.ts`).
 */

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
  /** The member's process (`KafkaStreams` instance): its stream threads all announce the same one. */
  readonly process?: string;
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
      ...(typeof parsed.process === 'string' ? { process: parsed.process } : {}),
    };
  } catch {
    // A member of another version or with no user data: no stickiness, no request.
    return { tasks: [] };
  }
}

/** What the leader tells one member besides its partitions. */
export interface AssignmentInfo {
  /** Which server (`applicationServer`) runs which tasks, active and standby (empty: none set one). */
  readonly hosts: ReadonlyMap<string, HostTasks>;
  readonly standby: StandbyAssignment;
  /** Another member asked the whole application to shut down (`SHUTDOWN_APPLICATION`). */
  readonly shutdown: boolean;
}

/** The assignment info of no standbys, no hosts and no shutdown. */
export const EMPTY_ASSIGNMENT_INFO: AssignmentInfo = {
  hosts: new Map(),
  standby: { standby: [], warmups: [], probingRebalance: false },
  shutdown: false,
};

/**
 * The user data of one member's assignment, JSON `{ version, h, s, w, p, shutdown }`: `h` the servers
 * (`{ "<host:port>": { "a": ["1_0"], "s": ["0_1"] } }`), `s` and `w` its standby and warm-up tasks, `p` a
 * probing rebalance to make once the warm-ups caught up. Empty when there is nothing to say.
 */
export function encodeAssignmentInfo(info: {
  readonly hosts?: Readonly<Record<string, { a: string[]; s: string[] }>>;
  readonly standby?: StandbyAssignment;
  readonly shutdown?: boolean;
}): Buffer {
  const hosts = info.hosts !== undefined && Object.keys(info.hosts).length > 0 ? info.hosts : undefined;
  const standby = info.standby !== undefined && info.standby.standby.length > 0 ? info.standby : undefined;
  if (hosts === undefined && standby === undefined && info.shutdown !== true) return Buffer.alloc(0);
  return Buffer.from(
    JSON.stringify({
      version: 1,
      ...(hosts === undefined ? {} : { h: hosts }),
      ...(standby === undefined
        ? {}
        : { s: standby.standby, w: standby.warmups, p: standby.probingRebalance }),
      ...(info.shutdown === true ? { shutdown: true } : {}),
    }),
  );
}

/** Reads a member's assignment user data; none, or another version's, says nothing. */
export function decodeAssignmentInfo(userData: Buffer): AssignmentInfo {
  if (userData.length === 0) return EMPTY_ASSIGNMENT_INFO;
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as Record<string, unknown>;
    const hosts = new Map<string, HostTasks>();
    if (typeof parsed.h === 'object' && parsed.h !== null) {
      for (const [server, value] of Object.entries(parsed.h as Record<string, { a?: unknown; s?: unknown }>))
        hosts.set(server, { active: strings(value?.a), standby: strings(value?.s) });
    }
    return {
      hosts,
      standby: {
        standby: strings(parsed.s),
        warmups: strings(parsed.w),
        probingRebalance: parsed.p === true,
      },
      shutdown: parsed.shutdown === true,
    };
  } catch {
    return EMPTY_ASSIGNMENT_INFO;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
