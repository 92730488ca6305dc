/**
 * The punctuators of one task on one clock. A schedule fires at most once per check, then realigns to the
 * next multiple of its interval after the current time, so a long pause does not fire a burst of
 * catch-up calls (Kafka Streams behaves the same way).
 */
import type { Cancellable, Punctuator } from '../../processor.js';

/** One scheduled punctuator and when it is next due. */
export interface PunctuationSchedule extends Cancellable {
  readonly intervalMs: number;
  readonly callback: Punctuator;
  /** The node whose context scheduled it, for error messages. */
  readonly node: string;
  nextMs: number;
  cancelled: boolean;
}

/** The schedules of one clock of one task. */
export class PunctuationQueue {
  private schedules: PunctuationSchedule[] = [];

  add(node: string, intervalMs: number, firstMs: number, callback: Punctuator): PunctuationSchedule {
    const schedule: PunctuationSchedule = {
      intervalMs,
      callback,
      node,
      nextMs: firstMs,
      cancelled: false,
      cancel() {
        this.cancelled = true;
      },
    };
    this.schedules.push(schedule);
    return schedule;
  }

  /** Fires every schedule due at `nowMs` once, through `run`; returns whether any fired. */
  punctuate(nowMs: number, run: (schedule: PunctuationSchedule, timestampMs: number) => void): boolean {
    if (this.schedules.length === 0) return false;
    let fired = false;
    // Iterate over a snapshot: a punctuator may schedule or cancel others.
    for (const schedule of [...this.schedules]) {
      if (schedule.cancelled || nowMs < schedule.nextMs) continue;
      const due = schedule.nextMs;
      let next = due + schedule.intervalMs;
      if (nowMs >= next) next = nowMs - ((nowMs - due) % schedule.intervalMs) + schedule.intervalMs;
      schedule.nextMs = next;
      fired = true;
      run(schedule, nowMs);
    }
    if (fired) this.schedules = this.schedules.filter((s) => !s.cancelled);
    return fired;
  }

  get size(): number {
    return this.schedules.filter((s) => !s.cancelled).length;
  }
}
