package bench.peer;

/** The fields of a `reservation.created` event the peer's topology uses. */
public record Booking(
    String confirmationNumber,
    String propertyId,
    String roomType,
    /** Check-in as days since 1970-01-01 (Avro `date`). */
    int checkInEpochDay,
    int nights,
    int rooms,
    long occurredAt) {}
