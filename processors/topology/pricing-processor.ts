/**
 * Dynamic pricing. For a new or modified stay it prices every night from the occupancy the guest saw
 * (the rooms sold that night by others) and, when the pricing config has a pace factor, from the
 * bookings of the room type in the trailing pace window; it records the result with `rate.applied` and
 * in the reservation. For every night whose occupancy changed it recomputes the rate the next guest would pay
 * and, when that differs from the rate in the `rates` store, stores it and emits `rate.updated`.
 */
import type { NightlyRate, RateApplied, RateUpdated, StayDetails } from '../../schemas/generated/types.js';
import type { KeyValueStore, WindowStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import type { NightChange } from '../domain/inventory.js';
import { occupancyBp } from '../domain/kpis.js';
import { money } from '../domain/money.js';
import { multiplierBp, nightlyRate, priceStay } from '../domain/pricing.js';
import type { Property } from '../domain/reference-data.js';
import { nightsOf } from '../domain/stay.js';
import { type ResolvedConfig, STORES } from './config.js';
import { basisPointsToDecimal, fromEventMoney, toEventMoney } from './event-values.js';
import { emit, NODES, next, type Step } from './flow.js';
import { type NightValue, rateOn, type SoldPerDay, soldOn, writeNights } from './inventory-store.js';
import type { AppliedPrice } from './reservation-state.js';

/** Retention of the `booking-pace` store when the pricing config has no pace factor (nothing is written). */
export const PACE_STORE_RETENTION_MS = 60_000;

/** Creates the pricing processor. */
export function pricingProcessor(config: ResolvedConfig): Processor<string, Step, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let inventory: KeyValueStore<string, SoldPerDay>;
  let rates: KeyValueStore<string, SoldPerDay>;
  let pace: WindowStore<string, number>;
  return {
    init(ctx) {
      context = ctx;
      inventory = ctx.getStateStore(STORES.inventory);
      rates = ctx.getStateStore(STORES.rates);
      pace = ctx.getStateStore(STORES.pace);
    },
    process(record: StreamRecord<string, Step>) {
      let step = record.value;
      const property = config.catalog.property(step.propertyId);
      const { command } = step;
      if ((command.kind === 'CREATE' || command.kind === 'MODIFY') && step.state !== null) {
        const stay = command.event.stayDetails;
        const recent = recentBookings(
          property.propertyId,
          stay.roomType,
          step.timestamp,
          command.kind === 'CREATE',
        );
        const price = applyPrice(property, stay, command.event.pricingDetails, recent, (night) => {
          const sold = soldOn(inventory, property.propertyId, stay.roomType, night);
          return Math.max(0, sold - stay.rooms); // rooms held by others: this guest's own do not raise their price
        });
        emit(
          context,
          'rate.applied',
          step.propertyId,
          rateApplied(step, property, stay, price),
          step.timestamp,
        );
        step = { ...step, state: { ...step.state, price } };
      }
      // Rates that changed are written after the loop: one write per month of a room type.
      const changed: NightValue[] = [];
      for (const change of step.inventoryChanges) {
        const rate = publishRate(
          property,
          change,
          step,
          recentBookings(property.propertyId, change.roomTypeCode, step.timestamp, false),
        );
        if (rate !== undefined)
          changed.push({ roomTypeCode: change.roomTypeCode, night: change.night, value: rate });
      }
      writeNights(rates, property.propertyId, changed);
      next(context, NODES.payment, step);
    },
  };

  function applyPrice(
    property: Property,
    stay: StayDetails,
    quoted: { taxes: { amount: string; currency: string }; fees: { amount: string; currency: string } },
    recent: number,
    soldByOthers: (night: string) => number,
  ): AppliedPrice {
    const roomType = config.catalog.roomType(property.propertyId, stay.roomType);
    const price = priceStay({
      config: config.pricing,
      baseRate: roomType.baseRate,
      capacity: roomType.capacity,
      rooms: stay.rooms,
      nights: nightsOf(stay.checkInDate, stay.checkOutDate).map((night) => ({
        night,
        soldBefore: soldByOthers(night),
      })),
      recentBookings: recent,
    });
    const taxesMinor = fromEventMoney(quoted.taxes).minor;
    const feesMinor = fromEventMoney(quoted.fees).minor;
    return {
      currency: property.currency,
      ratePlan: 'BAR',
      nightly: price.nightly.map((n) => ({
        night: n.night,
        multiplierBp: n.multiplierBp,
        rateMinor: n.rate.minor,
      })),
      roomTotalMinor: price.total.minor,
      taxesMinor,
      feesMinor,
      totalMinor: price.total.minor + taxesMinor + feesMinor,
    };
  }

  /**
   * Bookings of (property, room type) in the pace window ending at `now`, before this one; `record` adds
   * this booking for later ones. The `booking-pace` window store keeps one entry per booking at its event
   * time (duplicates retained), so counting is a time-range fetch and recording is one put: no list of
   * times is rewritten per booking, and retention drops old bookings segment by segment. Without a pace
   * config nothing is kept and the count is 0.
   */
  function recentBookings(propertyId: string, roomType: string, now: number, record: boolean): number {
    const window = config.pricing.pace?.windowMs;
    if (window === undefined) return 0;
    const key = `${propertyId}|${roomType}`;
    let within = 0;
    const iterator = pace.fetchRange(key, now - window + 1, now);
    try {
      for (const _ of iterator) within++;
    } finally {
      iterator.close();
    }
    if (record) pace.put(key, 1, now);
    return within;
  }

  /** Announces the night's rate when it changed, and returns it (minor units) to store; else undefined. */
  function publishRate(
    property: Property,
    change: NightChange,
    step: Step,
    recent: number,
  ): number | undefined {
    const roomType = config.catalog.roomType(property.propertyId, change.roomTypeCode);
    const multiplier = multiplierBp(config.pricing, change.soldAfter, roomType.capacity, recent);
    const rate = nightlyRate(roomType.baseRate, multiplier);
    const previous = rateOn(rates, property.propertyId, change.roomTypeCode, change.night);
    if (previous === rate.minor) return undefined;
    const event: RateUpdated = {
      eventId: `${step.eventId}:rate:${change.roomTypeCode}:${change.night}`,
      eventType: 'RateUpdated',
      occurredAt: step.timestamp,
      propertyId: property.propertyId,
      roomType: change.roomTypeCode,
      stayDate: change.night,
      baseRate: toEventMoney(roomType.baseRate),
      previousRate: previous === undefined ? null : toEventMoney(money(previous, property.currency)),
      rate: toEventMoney(rate),
      demandMultiplier: basisPointsToDecimal(multiplier),
      occupancy: basisPointsToDecimal(occupancyBp(change.soldAfter, roomType.capacity) ?? 0),
    };
    emit(context, 'rate.updated', property.propertyId, event, step.timestamp);
    return rate.minor;
  }
}

/** The nightly rates of an applied price, as events carry them. */
export function nightlyRates(property: Property, roomTypeCode: string, price: AppliedPrice): NightlyRate[] {
  const base = property.roomTypes.find((r) => r.code === roomTypeCode)!.baseRate;
  return price.nightly.map((n) => ({
    stayDate: n.night,
    baseRate: toEventMoney(base),
    demandMultiplier: basisPointsToDecimal(n.multiplierBp),
    rate: toEventMoney(money(n.rateMinor, price.currency)),
  }));
}

function rateApplied(step: Step, property: Property, stay: StayDetails, price: AppliedPrice): RateApplied {
  return {
    eventId: `${step.eventId}:rate-applied`,
    eventType: 'RateApplied',
    occurredAt: step.timestamp,
    confirmationNumber: step.confirmationNumber,
    propertyId: step.propertyId,
    roomType: stay.roomType,
    rooms: stay.rooms,
    ratePlan: price.ratePlan,
    nightlyRates: nightlyRates(property, stay.roomType, price),
    roomTotal: toEventMoney(money(price.roomTotalMinor, price.currency)),
  };
}
