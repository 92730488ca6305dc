/**
 * Assigns tasks (not partitions) to group members, so that all partitions of one task, including
 * co-partitioned topics, go to the same instance. Balanced (counts differ by at most one) and sticky:
 * a member keeps the tasks it owned while that stays balanced, so a rebalance moves as few stores as
 * possible.
 */

/** A member and the tasks it owned before this rebalance. */
export interface MemberTasks {
  readonly memberId: string;
  readonly ownedTasks: ReadonlyArray<string>;
}

/** Returns the tasks of every member; every task goes to exactly one member. */
export function assignTasks(
  taskIds: ReadonlyArray<string>,
  members: ReadonlyArray<MemberTasks>,
): Map<string, string[]> {
  const sorted = [...members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
  );
  const result = new Map<string, string[]>(sorted.map((m) => [m.memberId, []]));
  if (sorted.length === 0) return result;
  const capacity = Math.ceil(taskIds.length / sorted.length);
  const valid = new Set(taskIds);
  const taken = new Set<string>();

  // Stickiness first: keep owned tasks up to the balanced capacity.
  for (const member of sorted) {
    const mine = result.get(member.memberId)!;
    for (const task of member.ownedTasks) {
      if (mine.length >= capacity) break;
      if (valid.has(task) && !taken.has(task)) {
        mine.push(task);
        taken.add(task);
      }
    }
  }
  // The rest go to whoever has fewest, in task order so that partitions spread evenly.
  for (const task of taskIds) {
    if (taken.has(task)) continue;
    leastLoaded(result).push(task);
    taken.add(task);
  }
  // Sticky capacity can leave counts apart by more than one (e.g. 3 members, 7 tasks): even them out.
  for (;;) {
    const most = mostLoaded(result);
    const least = leastLoaded(result);
    if (most.length - least.length <= 1) break;
    least.push(most.pop()!);
  }
  for (const tasks of result.values()) tasks.sort(compareTaskIds);
  return result;
}

function leastLoaded(result: Map<string, string[]>): string[] {
  let best: string[] | undefined;
  for (const tasks of result.values()) if (best === undefined || tasks.length < best.length) best = tasks;
  return best!;
}

function mostLoaded(result: Map<string, string[]>): string[] {
  let best: string[] | undefined;
  for (const tasks of result.values()) if (best === undefined || tasks.length > best.length) best = tasks;
  return best!;
}

/** Orders `1_10` after `1_9`, by sub-topology then partition. */
export function compareTaskIds(a: string, b: string): number {
  const [sa = 0, pa = 0] = a.split('_').map(Number);
  const [sb = 0, pb = 0] = b.split('_').map(Number);
  return sa - sb || pa - pb;
}
