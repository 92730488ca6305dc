/**
 * The payment worker loop on the real stack, performing requests concurrently: every request answered
 * exactly once, each reservation's requests performed and answered in order, the gateway really driven
 * with several requests at once (and never more than the pool allows), unreadable requests dead-lettered
 * without stopping the loop, and a failed produce never committed over. Its speed is measured by the
 * benchmarks (bench/payments, the pipeline benchmark), not asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../api/errors.js';
import type { EventPublisher } from '../../../api/kafka/event-publisher.js';
import { waitFor } from '../../support/index.js';
import {
  expectedEventIds,
  money,
  type PaymentLoopFixture,
  requestsOf,
  startPaymentLoop,
} from './payment-loop-fixture.js';

const RESERVATIONS = 100;
const CONCURRENCY = 16;

describe('PaymentWorkerLoop, concurrent', () => {
  let t: PaymentLoopFixture;

  beforeAll(async () => {
    t = await startPaymentLoop({ concurrency: CONCURRENCY });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 500 requests of 100 reservations exactly once, each reservation in order, several at once', async () => {
    const perReservation = Array.from({ length: RESERVATIONS }, (_, r) => requestsOf(r));
    // Half the reservations with their requests side by side (they share a batch: run out of order, a
    // capture would reach the gateway before its authorisation), the other half spread over five sends
    // (request k of each, then k+1: one reservation's requests in different batches).
    const half = RESERVATIONS / 2;
    await t.produce(
      perReservation
        .slice(0, half)
        .flat()
        .map((request) => ({ key: request.propertyId, value: JSON.stringify(request) })),
    );
    for (let k = 0; k < 5; k++) {
      await t.produce(
        perReservation.slice(half).map((requests) => ({
          key: requests[k]!.propertyId,
          value: JSON.stringify(requests[k]),
        })),
      );
    }
    await t.waitUntilCommitted();

    // Nothing refused: a capture or refund performed before its authorisation would have been.
    expect(await t.deadLetters()).toEqual([]);

    const initiated = await t.answers('payment.initiated');
    const authorized = await t.answers('payment.authorized');
    const captured = await t.answers('payment.captured');
    const refunded = await t.answers('payment.refunded');
    expect(await t.answers('payment.failed')).toEqual([]);
    const all = [...initiated, ...authorized, ...captured, ...refunded];
    expect(all).toHaveLength(RESERVATIONS * 6);
    // Exactly once: every request's answers are there, none twice.
    expect(new Set(all.map((a) => a.value.eventId)).size).toBe(all.length);
    const expectedIds = expectedEventIds(perReservation.flat());
    expect(new Set(all.map((a) => a.value.eventId))).toEqual(new Set(expectedIds));

    // In order: the gateway saw each reservation's requests in request order, and each answer was
    // produced after the previous request's (on one topic: a higher offset of the same partition).
    const byKey = new Map(all.map((a) => [a.value.eventId, a]));
    for (const requests of perReservation) {
      const ids = requests.map((r) => r.requestId);
      expect(t.probe.started.filter((key) => ids.includes(key))).toEqual(ids);
      const [auth, capture1, refund1, capture2, refund2] = [
        `${ids[0]}:authorized`,
        `${ids[1]}:captured`,
        `${ids[2]}:refunded`,
        `${ids[3]}:captured`,
        `${ids[4]}:refunded`,
      ].map((id) => byKey.get(id)!);
      expect(capture1!.offset).toBeLessThan(capture2!.offset);
      expect(refund1!.offset).toBeLessThan(refund2!.offset);
      const times = [auth, capture1, refund1, capture2, refund2].map((a) => a!.value.occurredAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }

    // Concurrently, within the bound.
    expect(t.probe.maxInFlight).toBeGreaterThan(1);
    expect(t.probe.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('dead-letters unreadable requests and requests the worker cannot read, and goes on', async () => {
    const next = requestsOf(RESERVATIONS)[0]!;
    const broken = { ...requestsOf(RESERVATIONS + 1)[0]!, amount: money('not money') };
    await t.produce([
      { key: 'PROP-0', value: '{"type": "AUTHORIZE", ' },
      { key: broken.propertyId, value: JSON.stringify(broken) },
      { key: next.propertyId, value: JSON.stringify(next) },
    ]);
    await t.waitUntilCommitted();

    const letters = await t.deadLetters();
    expect(letters.map((l) => ({ stage: l.stage, errorCode: l.errorCode, app: l.applicationId }))).toEqual(
      expect.arrayContaining([
        { stage: 'DESERIALIZATION', errorCode: 'RSV_ERR_PAYMENT_REQUEST', app: t.applicationId },
        { stage: 'PROCESSING', errorCode: 'RSV_ERR_PAYMENT_REQUEST', app: t.applicationId },
      ]),
    );
    expect(letters).toHaveLength(2);
    expect(letters.find((l) => l.stage === 'PROCESSING')?.errorClass).toBe('DecimalFormatError');
    expect(letters.find((l) => l.stage === 'DESERIALIZATION')?.value?.toString()).toBe(
      '{"type": "AUTHORIZE", ',
    );
    const authorized = await t.answers('payment.authorized');
    expect(authorized.map((a) => a.value.eventId)).toContain(`${next.requestId}:authorized`);
  });
});

/** Fails the `n`th publish once, as the Kafka publisher fails when a produce is not acknowledged. */
class FailingOncePublisher implements EventPublisher {
  publishes = 0;
  failed = false;
  constructor(
    readonly inner: EventPublisher,
    readonly n: number,
  ) {}
  publish(...args: Parameters<EventPublisher['publish']>): Promise<void> {
    this.publishes++;
    if (this.publishes === this.n) {
      this.failed = true;
      return Promise.reject(new UnavailableError('Kafka (producing, failed once by the test)'));
    }
    return this.inner.publish(...args);
  }
  publishRaw(record: Parameters<EventPublisher['publishRaw']>[0]) {
    return this.inner.publishRaw(record);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('PaymentWorkerLoop, when producing an answer fails', () => {
  let t: PaymentLoopFixture;
  let failing: FailingOncePublisher;

  beforeAll(async () => {
    t = await startPaymentLoop({
      concurrency: CONCURRENCY,
      wrapPublisher: (inner) => {
        failing = new FailingOncePublisher(inner, 200);
        return failing;
      },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('does not commit over the unanswered request: it is performed again and every request is answered', async () => {
    const requests = Array.from({ length: RESERVATIONS }, (_, r) => requestsOf(r)).flat();
    await t.produceRequests(requests);
    await t.waitUntilCommitted();

    expect(failing.failed).toBe(true);
    // The failed answer was never produced: had its offset been committed, it would be missing now.
    const ids = (await t.allAnswers()).map((a) => a.value.eventId);
    expect(new Set(ids)).toEqual(new Set(expectedEventIds(requests)));
    // What was performed again is answered again, under the same event ids (at least once, never lost)...
    expect(t.probe.started.length).toBeGreaterThan(requests.length);
    // ... and never refused: a reservation's requests were still performed in order.
    expect(await t.deadLetters()).toEqual([]);
  });
});

describe('PaymentWorkerLoop, stopped in the middle of a batch', () => {
  let t: PaymentLoopFixture;

  beforeAll(async () => {
    // One partition: the 500 requests are one batch, all handed to the loop at once.
    t = await startPaymentLoop({ concurrency: 2, partitions: 1 });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('stops without performing the rest of the batch; the next loop performs it from the committed offset', async () => {
    const requests = Array.from({ length: RESERVATIONS }, (_, r) => requestsOf(r)).flat();
    await t.produceRequests(requests);
    await waitFor(() => t.probe.started.length >= 50, { description: '50 requests performed' });
    await t.stopLoop();
    // Two at a time, 5-25 ms each: the batch held far more than were performed when it stopped.
    const performedBeforeStop = t.probe.started.length;
    expect(performedBeforeStop).toBeLessThan(requests.length);

    await t.startLoop();
    await t.waitUntilCommitted();
    const ids = (await t.allAnswers()).map((a) => a.value.eventId);
    expect(new Set(ids)).toEqual(new Set(expectedEventIds(requests)));
    expect(await t.deadLetters()).toEqual([]);
  });
});
