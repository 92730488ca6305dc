/**
 * Prometheus metrics of `?wait=true`: requests waiting now, how waits ended, and the reservation look-ups
 * the routes make (a wait makes one; polling made one every 100 ms). The waiters only count; the metrics
 * read the counts when scraped.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DecisionWaiters } from './decision-waiters.js';
import type { ReservationLedger } from './reservation-view.js';

/** Registers the waiters' metrics on `registry`. */
export function registerWaitMetrics(waiters: DecisionWaiters, registry: Registry): void {
  new Gauge({
    name: 'reservation_decision_waiters',
    help: 'Requests waiting (?wait=true) for their reservation decision on this instance.',
    registers: [registry],
    collect() {
      this.set(waiters.waiting);
    },
  });
  new Counter({
    name: 'reservation_decision_waits_total',
    help: 'Waits for a decision that ended: pushed (decided), timed_out (answered decided=false), overflowed (too many waiting; answered at once, undecided).',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'pushed' }, waiters.stats.pushed);
      this.inc({ outcome: 'timed_out' }, waiters.stats.timedOut);
      this.inc({ outcome: 'overflowed' }, waiters.stats.overflowed);
    },
  });
}

/** `ledger`, counting its look-ups in `reservation_ledger_lookups_total` on `registry`. */
export function countingLookups(ledger: ReservationLedger, registry: Registry): ReservationLedger {
  const lookups = new Counter({
    name: 'reservation_ledger_lookups_total',
    help: 'Reservation look-ups the reservation routes made (commands and ?wait=true).',
    registers: [registry],
  });
  return {
    get: (confirmationNumber) => {
      lookups.inc();
      return ledger.get(confirmationNumber);
    },
    record: (topic, event) => ledger.record(topic, event),
  };
}
