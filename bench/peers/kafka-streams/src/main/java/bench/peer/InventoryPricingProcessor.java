package bench.peer;

import java.time.LocalDate;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The core of the reservation topology, as our `inventory` and `pricing` processors do it: for each
 * night of the stay, rooms sold per (property, room type, night) in a logged key-value store; a booking
 * beyond capacity plus the overbooking allowance on any night is rejected with nothing taken; otherwise
 * every night is decremented (`availability`), priced by the demand tier of its occupancy before the
 * booking (rates store; a changed rate emits `rate.updated`) and the stay's price is emitted
 * (`rate.applied`). Outputs are tagged strings (`rejected|`, `available|`, `overbooked|`, `rate|`,
 * `applied|`, `kpi|`) that the topology routes to their topics; `kpi|` values feed the KPI window. The key
 * (the property) never changes, so the window needs no repartition, as in our topology.
 */
public final class InventoryPricingProcessor implements FixedKeyProcessor<String, Booking, String> {
  /** Demand tiers of our default pricing: occupancy lower bound (percent) -> multiplier in basis points. */
  private static final int[][] TIERS = {{95, 17_500}, {85, 15_000}, {70, 12_500}, {50, 11_000}, {0, 10_000}};

  private final Catalog catalog;
  private FixedKeyProcessorContext<String, String> context;
  private KeyValueStore<String, Integer> inventory;
  private KeyValueStore<String, Long> rates;

  public InventoryPricingProcessor(Catalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, String> context) {
    this.context = context;
    this.inventory = context.getStateStore(ReservationPeer.INVENTORY_STORE);
    this.rates = context.getStateStore(ReservationPeer.RATES_STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, Booking> record) {
    Booking booking = record.value();
    Catalog.RoomType roomType = catalog.roomType(booking.propertyId(), booking.roomType());
    if (roomType == null) {
      context.forward(record.withValue("rejected|" + booking.confirmationNumber() + "|UNKNOWN_ROOM_TYPE"));
      return;
    }
    String[] keys = new String[booking.nights()];
    int[] sold = new int[booking.nights()];
    int limit = roomType.capacity() + roomType.allowance();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = booking.propertyId() + "|" + booking.roomType() + "|" + LocalDate.ofEpochDay(booking.checkInEpochDay() + i);
      Integer current = inventory.get(keys[i]);
      sold[i] = current == null ? 0 : current;
      if (sold[i] + booking.rooms() > limit) {
        context.forward(record.withValue("rejected|" + booking.confirmationNumber() + "|SOLD_OUT"));
        return;
      }
    }
    long total = 0;
    for (int i = 0; i < keys.length; i++) {
      int after = sold[i] + booking.rooms();
      inventory.put(keys[i], after);
      if (after > roomType.capacity()) {
        context.forward(record.withValue("overbooked|" + keys[i] + "|" + after));
      }
      context.forward(record.withValue("available|" + keys[i] + "|" + (roomType.capacity() - after)));
      // A guest pays the rate on offer before their own booking; the rate after it is the new offer.
      long paid = rate(roomType, sold[i]);
      total += paid * booking.rooms();
      long next = rate(roomType, after);
      Long stored = rates.get(keys[i]);
      if (stored == null || stored != next) {
        rates.put(keys[i], next);
        context.forward(record.withValue("rate|" + keys[i] + "|" + next));
      }
    }
    context.forward(record.withValue("applied|" + booking.confirmationNumber() + "|" + total));
    context.forward(record.withValue("kpi|" + booking.nights() * booking.rooms() + "|" + total));
  }

  /** The nightly rate in minor units at `sold` rooms: base times the demand tier, rounded half up. */
  private static long rate(Catalog.RoomType roomType, int sold) {
    int occupancyPercent = (int) ((sold * 100L) / roomType.capacity());
    int multiplier = 10_000;
    for (int[] tier : TIERS) {
      if (occupancyPercent >= tier[0]) {
        multiplier = tier[1];
        break;
      }
    }
    return (roomType.baseRateMinor() * multiplier + 5_000) / 10_000;
  }
}
