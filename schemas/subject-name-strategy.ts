/**
 * How a serde names the registry subject of a record, as Confluent's serializers do. The subject decides
 * which schemas are checked for compatibility against each other.
 */

/** What a strategy may use: the topic, key or value, and the record's full name. */
export interface SubjectNameInput {
  readonly topic: string;
  readonly isKey: boolean;
  /** Full name of the record, e.g. `com.hotel.reservation.ReservationCreated`. */
  readonly recordName: string;
}

/** Names the subject of a record. */
export type SubjectNameStrategy = (input: SubjectNameInput) => string;

/** `<topic>-key` / `<topic>-value`: one schema (and its evolution) per topic. The default. */
export const topicNameStrategy: SubjectNameStrategy = ({ topic, isKey }) =>
  `${topic}-${isKey ? 'key' : 'value'}`;

/** `<record full name>`: one evolution per record type, whatever topics carry it. */
export const recordNameStrategy: SubjectNameStrategy = ({ recordName }) => recordName;

/** `<topic>-<record full name>`: several record types on one topic, each evolving on its own. */
export const topicRecordNameStrategy: SubjectNameStrategy = ({ topic, recordName }) =>
  `${topic}-${recordName}`;
