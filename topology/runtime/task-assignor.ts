/**
 * Assigns tasks (not partitions) to group members, so that all partitions of one task, including
 * co-partitioned topics, go to the same instance; places standby replicas and warm-ups of stateful
 * tasks. A pure function: the group leader calls it with what the members announced.
 *
 * The idea is Kafka Streams' high-availability assignor (KIP-441): moving a stateful task to a member
 * without its state stalls the task while that member replays the whole changelog, possibly for
 * minutes. So the assignment is computed in three steps:
 *
 * 1. A balanced target, sticky: stateful tasks are balanced among themselves (counts within one), then
 *    stateless ones even out the totals. A member keeps the tasks it owned up to its balanced share,
 *    so a rebalance moves as few stores as possible. The other tasks go to the least-loaded member,
 *    preferring one that has the task's state (lowest lag).
 * 2. Warm-ups: when a stateful task's target member is not caught up (its lag exceeds
 *    `acceptableRecoveryLag`) but another member is, the task stays active on the caught-up member
 *    and the target restores it as a warm-up standby. The members then trigger a probing rebalance
 *    later; once the target reports a small lag, step 2 no longer holds the task back and the move
 *    happens with a short stall. `maxWarmupReplicas` bounds the extra restore traffic of one
 *    assignment. When no member is caught up (a fresh application), waiting would not help: the task
 *    goes to its target directly.
 * 3. Standbys: each stateful task gets up to `standbyReplicas` copies on members other than its active
 *    one (a warm-up counts as one), preferring state on disk, then another host than the task's other
 *    copies (a host failure should not take all copies), then the member with the fewest standbys.
 *
 * Stateless tasks have nothing to restore: lags are ignored for them and they get no standbys.
 */
import { RuntimeError } from './errors.js';

/** A member as it announced itself in the rebalance. */
export interface MemberTasks {
  readonly memberId: string;
  /** Active tasks the member ran before this rebalance. */
  readonly ownedTasks: ReadonlyArray<string>;
  /** Records its local state of a task is behind that task's changelog ends; absent = no local state.
   *  An owned (active) task counts as lag 0 whatever is given. */
  readonly taskLags?: ReadonlyMap<string, number>;
  /**
   * Host of the member (its applicationServer, else its process: stream threads of one instance share
   * it), or undefined; standbys avoid the active's host when they can.
   */
  readonly host?: string;
}

export interface AssignmentOptions {
  /** Standby replicas per stateful task (default 0). */
  readonly standbyReplicas?: number;
  /** A member whose lag for a task is at most this is "caught up" for it (default 10_000). */
  readonly acceptableRecoveryLag?: number;
  /** Most warm-up replicas in one assignment (default 2). */
  readonly maxWarmupReplicas?: number;
  /** Tasks that have changelogged state; only they get standbys/warm-ups and lags matter only for them.
   *  Default: every task is stateful. */
  readonly statefulTasks?: ReadonlySet<string>;
}

export interface TaskAssignment {
  /** Active tasks per member (every member present as a key, lists sorted with compareTaskIds). */
  readonly active: Map<string, string[]>;
  /** Standby tasks per member, warm-ups included (every member a key, sorted). Never a member's own active task. */
  readonly standby: Map<string, string[]>;
  /** The warm-up subset of `standby`, per member (only members with warm-ups need be keys). */
  readonly warmups: Map<string, string[]>;
  /** True when at least one task was kept on a caught-up member instead of moving to its balanced
   *  target (the target warms up meanwhile): the members should trigger a probing rebalance later. */
  readonly probingRebalanceNeeded: boolean;
}

export const DEFAULT_ACCEPTABLE_RECOVERY_LAG = 10_000;
export const DEFAULT_MAX_WARMUP_REPLICAS = 2;

/** The lag of a member that has no local state for a task: behind every member that has some. */
const NO_STATE = Number.POSITIVE_INFINITY;

/** Returns the active tasks, standbys and warm-ups of every member; every task gets exactly one active member. */
export function assignTasks(
  taskIds: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
  options: AssignmentOptions = {},
): TaskAssignment {
  const settings = readOptions(options);
  const tasks = [...new Set(taskIds)].sort(compareTaskIds);
  const sorted = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
  const lags = new LagTable(sorted, settings);
  if (sorted.length === 0)
    return { active: new Map(), standby: new Map(), warmups: new Map(), probingRebalanceNeeded: false };

  const target = balancedTarget(tasks, sorted, lags);
  const { active, warmups, probingRebalanceNeeded } = keepOnCaughtUpMembers(
    tasks,
    sorted,
    target,
    lags,
    settings,
  );
  const standby = placeStandbys(tasks, sorted, active, warmups, lags, settings);
  // Every list holds only known tasks, so sorting by position in `tasks` is compareTaskIds order, cheaper.
  const position = new Map(tasks.map((task, i) => [task, i]));
  const byPosition = (a: string, b: string) => position.get(a)! - position.get(b)!;
  for (const plan of [active, standby, warmups]) for (const list of plan.values()) list.sort(byPosition);
  return { active, standby, warmups, probingRebalanceNeeded };
}

interface Settings {
  readonly standbyReplicas: number;
  readonly acceptableRecoveryLag: number;
  readonly maxWarmupReplicas: number;
  readonly statefulTasks: ReadonlySet<string> | undefined;
}

function readOptions(options: AssignmentOptions): Settings {
  const standbyReplicas = options.standbyReplicas ?? 0;
  const acceptableRecoveryLag = options.acceptableRecoveryLag ?? DEFAULT_ACCEPTABLE_RECOVERY_LAG;
  const maxWarmupReplicas = options.maxWarmupReplicas ?? DEFAULT_MAX_WARMUP_REPLICAS;
  if (!Number.isInteger(standbyReplicas) || standbyReplicas < 0)
    throw configError(`standbyReplicas must be an integer >= 0, got ${standbyReplicas}`);
  if (!(acceptableRecoveryLag >= 0))
    throw configError(`acceptableRecoveryLag must be a number >= 0, got ${acceptableRecoveryLag}`);
  // Zero would keep every task on its caught-up member for ever: the target would never warm up.
  if (!Number.isInteger(maxWarmupReplicas) || maxWarmupReplicas < 1)
    throw configError(`maxWarmupReplicas must be an integer >= 1, got ${maxWarmupReplicas}`);
  return { standbyReplicas, acceptableRecoveryLag, maxWarmupReplicas, statefulTasks: options.statefulTasks };
}

function configError(message: string): RuntimeError {
  return new RuntimeError('STRM_ERR_RUNTIME_CONFIG', `Task assignment: ${message}.`);
}

/** How far behind each member's local state of each task is, after the rules for owned and stateless tasks. */
class LagTable {
  readonly #owned = new Map<string, ReadonlySet<string>>();
  readonly #lags = new Map<string, ReadonlyMap<string, number> | undefined>();
  readonly #settings: Settings;

  constructor(members: ReadonlyArray<MemberTasks>, settings: Settings) {
    this.#settings = settings;
    for (const member of members) {
      this.#owned.set(member.memberId, new Set(member.ownedTasks));
      this.#lags.set(member.memberId, member.taskLags);
    }
  }

  isStateful(task: string): boolean {
    return this.#settings.statefulTasks?.has(task) ?? true;
  }

  owns(memberId: string, task: string): boolean {
    return this.#owned.get(memberId)?.has(task) ?? false;
  }

  lag(memberId: string, task: string): number {
    if (!this.isStateful(task) || this.owns(memberId, task)) return 0;
    const lag = this.#lags.get(memberId)?.get(task);
    if (lag === undefined || Number.isNaN(lag)) return NO_STATE;
    return Math.max(0, lag);
  }

  caughtUp(memberId: string, task: string): boolean {
    return this.lag(memberId, task) <= this.#settings.acceptableRecoveryLag;
  }

  /** Ranks lags for standby placement: every caught-up member ranks the same, so that standbys spread
   *  over them instead of piling on whichever member happens to be a few records ahead. */
  recoveryRank(memberId: string, task: string): number {
    return this.caughtUp(memberId, task) ? 0 : this.lag(memberId, task);
  }
}

/**
 * Step 1: balanced and sticky, ignoring where the state is except to break ties. Stateful tasks are
 * balanced among themselves first (they carry the restore cost and usually the work), then stateless
 * tasks fill up every member to the same total; each kind ends within one per member (Kafka Streams does
 * the same), so a member that joins gets its share of both.
 */
function balancedTarget(
  tasks: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
  lags: LagTable,
): Map<string, string[]> {
  const plan = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const stateful = tasks.filter((task) => lags.isStateful(task));
  const stateless = tasks.filter((task) => !lags.isStateful(task));
  balanceGroup(stateful, members, lags, plan, () => 0);
  const statefulCount = new Map([...plan].map(([id, list]) => [id, list.length]));
  // Stateless tasks even out the totals: a member already holding more stateful tasks gets fewer.
  balanceGroup(stateless, members, lags, plan, (memberId) => statefulCount.get(memberId)!);
  return plan;
}

/**
 * Places `group` into `plan` so that each member's count of the group plus `base(member)` ends within one
 * of the others': owned tasks kept first (up to the balanced share), the rest to the least loaded member
 * (preferring one with the state), then counts evened out moving only tasks of the group.
 */
function balanceGroup(
  group: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
  lags: LagTable,
  plan: Map<string, string[]>,
  base: (memberId: string) => number,
): void {
  if (group.length === 0) return;
  const mine = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const load = (memberId: string) => base(memberId) + mine.get(memberId)!.length;
  const total = members.reduce((sum, m) => sum + base(m.memberId), 0) + group.length;
  const capacity = Math.ceil(total / members.length);
  const taken = new Set<string>();

  // Stickiness first: keep owned tasks (those that still exist, in task order) up to the balanced share.
  for (const member of members) {
    for (const task of group) {
      if (load(member.memberId) >= capacity) break;
      if (lags.owns(member.memberId, task) && !taken.has(task)) {
        mine.get(member.memberId)!.push(task);
        taken.add(task);
      }
    }
  }
  // The rest go to whoever has least, in task order so that partitions spread evenly; among those,
  // to a member that has the state, so that fewer tasks need a warm-up in step 2.
  for (const task of group) {
    if (taken.has(task)) continue;
    const least = Math.min(...members.map((m) => load(m.memberId)));
    const eligible = members.filter((m) => load(m.memberId) === least);
    const best = minBy(eligible, (m) => [
      lags.caughtUp(m.memberId, task) ? 0 : 1,
      lags.lag(m.memberId, task),
    ]);
    mine.get(best.memberId)!.push(task);
    taken.add(task);
  }
  // Sticky shares can leave loads apart by more than one (e.g. 3 members, 7 tasks): even them out,
  // moving the task the receiver is most caught up for, and rather one the giver did not own.
  for (;;) {
    // Some member holds tasks of the group (it is not empty), so there is a giver.
    const giver = minBy(
      members.filter((m) => mine.get(m.memberId)!.length > 0),
      (m) => [-load(m.memberId)],
    );
    const least = Math.min(...members.map((m) => load(m.memberId)));
    if (load(giver.memberId) - least <= 1) break;
    const given = mine.get(giver.memberId)!;
    const receivers = members.filter((m) => load(m.memberId) === least);
    const moves = receivers.flatMap((receiver) => given.map((task) => ({ receiver, task })));
    const move = minBy(moves, ({ receiver, task }) => [
      lags.caughtUp(receiver.memberId, task) ? 0 : 1,
      lags.lag(receiver.memberId, task),
      lags.owns(giver.memberId, task) ? 1 : 0,
    ]);
    given.splice(given.indexOf(move.task), 1);
    mine.get(move.receiver.memberId)!.push(move.task);
  }
  for (const [memberId, list] of mine) plan.get(memberId)!.push(...list);
}

/** Step 2: a stateful task whose target is not caught up stays on a caught-up member while the target warms up. */
function keepOnCaughtUpMembers(
  tasks: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
  target: ReadonlyMap<string, string[]>,
  lags: LagTable,
  settings: Settings,
): { active: Map<string, string[]>; warmups: Map<string, string[]>; probingRebalanceNeeded: boolean } {
  const active = new Map([...target].map(([memberId, list]) => [memberId, [...list]]));
  const warmups = new Map<string, string[]>();
  const targetOf = ownerIndex(target);
  let warmupCount = 0;
  let probingRebalanceNeeded = false;
  for (const task of tasks) {
    if (!lags.isStateful(task)) continue;
    const targetId = targetOf.get(task)!;
    if (lags.caughtUp(targetId, task)) continue;
    const caughtUp = members.filter((m) => m.memberId !== targetId && lags.caughtUp(m.memberId, task));
    // Nobody has the state: every member would stall the same, so go to the balanced target now.
    if (caughtUp.length === 0) continue;
    const keeper = minBy(caughtUp, (m) => [
      lags.owns(m.memberId, task) ? 0 : 1,
      lags.lag(m.memberId, task),
      active.get(m.memberId)!.length,
    ]);
    const targetTasks = active.get(targetId)!;
    targetTasks.splice(targetTasks.indexOf(task), 1);
    active.get(keeper.memberId)!.push(task);
    probingRebalanceNeeded = true;
    // Past the budget the task still stays (a stall is worse than imbalance); a later probing
    // rebalance gives it a warm-up once earlier ones have caught up.
    if (warmupCount < settings.maxWarmupReplicas) {
      warmups.set(targetId, [...(warmups.get(targetId) ?? []), task]);
      warmupCount += 1;
    }
  }
  return { active, warmups, probingRebalanceNeeded };
}

/** Step 3: standby copies of stateful tasks, warm-ups counted as copies. */
function placeStandbys(
  tasks: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
  active: ReadonlyMap<string, string[]>,
  warmups: ReadonlyMap<string, string[]>,
  lags: LagTable,
  settings: Settings,
): Map<string, string[]> {
  const standby = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const activeOf = ownerIndex(active);
  const warmupOf = ownerIndex(warmups);
  const hostOf = new Map(members.map((m) => [m.memberId, m.host]));
  for (const [memberId, list] of warmups) standby.get(memberId)!.push(...list);
  for (const task of tasks) {
    if (!lags.isStateful(task)) continue;
    const activeId = activeOf.get(task)!;
    const holders = new Set([activeId]);
    const warmupId = warmupOf.get(task);
    if (warmupId !== undefined) holders.add(warmupId);
    // Holders include the active member: standbys are the rest.
    while (holders.size - 1 < settings.standbyReplicas) {
      const candidates = members.filter((m) => !holders.has(m.memberId));
      if (candidates.length === 0) break;
      const copyHosts = new Set([...holders].map((id) => hostOf.get(id)).filter((h) => h !== undefined));
      const best = minBy(candidates, (m) => [
        lags.recoveryRank(m.memberId, task),
        m.host !== undefined && copyHosts.has(m.host) ? 1 : 0,
        standby.get(m.memberId)!.length,
        active.get(m.memberId)!.length,
      ]);
      holders.add(best.memberId);
      standby.get(best.memberId)!.push(task);
    }
  }
  return standby;
}

/** Task → member, from member → tasks. */
function ownerIndex(plan: ReadonlyMap<string, ReadonlyArray<string>>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [memberId, list] of plan) for (const task of list) index.set(task, memberId);
  return index;
}

/** The first item with the smallest key (keys compared element by element), so ties keep input order. */
function minBy<T>(items: ReadonlyArray<T>, key: (item: T) => ReadonlyArray<number>): T {
  let best = items[0] as T;
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const itemKey = key(item);
    if (compareKeys(itemKey, bestKey) < 0) {
      best = item;
      bestKey = itemKey;
    }
  }
  return best;
}

function compareKeys(a: ReadonlyArray<number>, b: ReadonlyArray<number>): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders `1_10` after `1_9`, by sub-topology then partition. */
export function compareTaskIds(a: string, b: string): number {
  const [sa = 0, pa = 0] = a.split('_').map(Number);
  const [sb = 0, pb = 0] = b.split('_').map(Number);
  return sa - sb || pa - pb;
}
