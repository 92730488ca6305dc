package bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** The benchmark's property catalog (the same JSON file the Node pipeline loads): capacity, allowance, rates. */
public final class Catalog {
  /** One room type of one property. */
  public record RoomType(int capacity, int allowance, long baseRateMinor, int currencyExponent) {}

  private final Map<String, RoomType> byKey = new HashMap<>();

  private static final Map<String, Integer> EXPONENTS = Map.of("JPY", 0, "KRW", 0);

  public Catalog(String path) throws IOException {
    JsonNode root = new ObjectMapper().readTree(new File(path));
    for (JsonNode property : root.get("properties")) {
      String id = property.get("propertyId").asText();
      int percent = property.get("overbookingPercent").asInt();
      int exponent = EXPONENTS.getOrDefault(property.get("currency").asText(), 2);
      for (JsonNode roomType : property.get("roomTypes")) {
        int capacity = roomType.get("capacity").asInt();
        long base = new BigDecimal(roomType.get("baseRate").asText()).movePointRight(exponent).longValueExact();
        byKey.put(id + "|" + roomType.get("code").asText(), new RoomType(capacity, capacity * percent / 100, base, exponent));
      }
    }
  }

  /** The room type, or null when the catalog does not have it. */
  public RoomType roomType(String propertyId, String code) {
    return byKey.get(propertyId + "|" + code);
  }
}
