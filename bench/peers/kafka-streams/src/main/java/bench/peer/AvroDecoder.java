package bench.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes `reservation.created` values in the Confluent wire format (magic 0, 4-byte schema id, Avro
 * body) with Apache Avro: the writer schema is fetched once per id from the registry's
 * Confluent-compatible API (`GET /schemas/ids/{id}`), as a Confluent deserializer would.
 */
public final class AvroDecoder {
  private final String registryUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentHashMap<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
  /** One reused decoder per stream thread: a decoder is state, and the threads decode side by side. */
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public AvroDecoder(String registryUrl) {
    this.registryUrl = registryUrl.replaceAll("/+$", "");
  }

  /** The booking in `bytes`. */
  public Booking decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length < 5 || buffer.get() != 0) {
      throw new IllegalArgumentException("not in the Confluent wire format (magic byte 0, schema id, body)");
    }
    int id = buffer.getInt();
    GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id, this::fetchReader);
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoders.get());
      decoders.set(decoder);
      GenericRecord event = reader.read(null, decoder);
      GenericRecord stay = (GenericRecord) event.get("stayDetails");
      return new Booking(
          event.get("confirmationNumber").toString(),
          event.get("propertyId").toString(),
          stay.get("roomType").toString(),
          ((Number) stay.get("checkInDate")).intValue(),
          (Integer) stay.get("nights"),
          (Integer) stay.get("rooms"),
          ((Number) event.get("occurredAt")).longValue());
    } catch (IOException e) {
      throw new IllegalArgumentException("undecodable reservation.created record: " + e.getMessage(), e);
    }
  }

  private GenericDatumReader<GenericRecord> fetchReader(int id) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id)).GET().build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("registry answered " + response.statusCode() + " for schema id " + id);
      }
      String schema = json.readTree(response.body()).get("schema").asText();
      // Logical types are read as their underlying types (int days, long millis): all the peer needs.
      return new GenericDatumReader<>(new Schema.Parser().parse(schema));
    } catch (IOException e) {
      throw new IllegalStateException("cannot fetch schema " + id + " from " + registryUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted fetching schema " + id, e);
    }
  }
}
