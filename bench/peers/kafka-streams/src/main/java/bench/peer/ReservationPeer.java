package bench.peer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams peer: one topology that reads `reservation.created` (Avro, Confluent wire format),
 * applies the inventory/overbooking and pricing core in a processor over two persistent (RocksDB,
 * changelogged) stores, and counts bookings, room-nights and revenue per property in one-minute
 * event-time windows with a 60 s grace. Outputs go to `peer-java.*` topics as short strings (the peer is
 * measured on the processing, not on re-encoding Avro). Configured by environment variables that the
 * benchmark runner sets: BROKERS, REGISTRY_URL, APPLICATION_ID, CATALOG, GUARANTEE, COMMIT_INTERVAL_MS,
 * STATE_DIR.
 */
public final class ReservationPeer {
  static final String INVENTORY_STORE = "inventory";
  static final String RATES_STORE = "rates";

  public static void main(String[] args) throws Exception {
    Catalog catalog = new Catalog(env("CATALOG"));
    AvroDecoder decoder = new AvroDecoder(env("REGISTRY_URL"));

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INVENTORY_STORE), Serdes.String(), Serdes.Integer()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RATES_STORE), Serdes.String(), Serdes.Long()));
    KStream<String, String> outputs = builder
        .stream("reservation.created", Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .mapValues(decoder::decode)
        .processValues(() -> new InventoryPricingProcessor(catalog), INVENTORY_STORE, RATES_STORE);
    Produced<String, String> strings = Produced.with(Serdes.String(), Serdes.String());
    outputs.split()
        .branch((k, v) -> v.startsWith("rejected|"), Branched.withConsumer(s -> s.to("peer-java.reservation.rejected", strings)))
        .branch((k, v) -> v.startsWith("available|") || v.startsWith("overbooked|"),
            Branched.withConsumer(s -> s.to("peer-java.availability", strings)))
        .branch((k, v) -> v.startsWith("rate|"), Branched.withConsumer(s -> s.to("peer-java.rate.updated", strings)))
        .branch((k, v) -> v.startsWith("applied|"), Branched.withConsumer(s -> s.to("peer-java.rate.applied", strings)))
        .branch((k, v) -> v.startsWith("kpi|"), Branched.withConsumer(ReservationPeer::kpis));

    KafkaStreams streams = new KafkaStreams(builder.build(), config());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(20));
      stop.countDown();
    }));
    streams.start();
    stop.await();
  }

  /** Bookings, room-nights and revenue per property and one-minute window ("kpi|roomNights|revenue" in). */
  private static void kpis(KStream<String, String> accepted) {
    accepted
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(60)))
        .aggregate(
            () -> "0|0|0",
            (property, booking, totals) -> {
              String[] t = totals.split("\\|");
              String[] b = booking.split("\\|");
              return (Long.parseLong(t[0]) + 1) + "|" + (Long.parseLong(t[1]) + Long.parseLong(b[1])) + "|"
                  + (Long.parseLong(t[2]) + Long.parseLong(b[2]));
            },
            Materialized.with(Serdes.String(), Serdes.String()))
        .toStream()
        .map((window, totals) -> KeyValue.pair(window.key() + "@" + window.window().start(), totals))
        .to("peer-java.analytics.booking-kpis", Produced.with(Serdes.String(), Serdes.String()));
  }

  private static Properties config() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env("APPLICATION_ID"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("BROKERS"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, env("GUARANTEE"));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, env("COMMIT_INTERVAL_MS"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, env("STATE_DIR"));
    String threads = System.getenv("NUM_STREAM_THREADS");
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads == null || threads.isEmpty() ? 1 : Integer.parseInt(threads));
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return props;
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("set " + name + " (the benchmark runner does)");
    }
    return value;
  }
}
