/**
 * Dead letters as the API shows them, and the service that lists and replays them. Two shapes reach a
 * `<topic>.dlq`: the streams runtime copies the failed record's bytes and adds `x-dlq-*` headers (error
 * and source coordinates); the payment worker writes an Avro `DeadLetter` envelope holding the same
 * facts. Both are listed alike, and a replay sends the original key, value and headers back to the
 * source topic.
 */

/** One dead-lettered record. */
export interface DeadLetterEntry {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly sourceTopic: string;
  readonly sourcePartition: number | null;
  readonly sourceOffset: string | null;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** When and by whom it was replayed, if it was. */
  readonly replayed: { readonly at: string; readonly by: string } | null;
}

/** Which records to replay. */
export type ReplaySelection =
  | { readonly all: true }
  | { readonly records: ReadonlyArray<{ readonly partition: number; readonly offset: string }> };

/** What a replay did. */
export interface ReplayResult {
  readonly replayed: ReadonlyArray<{ partition: number; offset: string; targetTopic: string }>;
  /** Records skipped because an earlier replay already sent them (or they do not exist). */
  readonly skipped: ReadonlyArray<{ partition: number; offset: string; reason: string }>;
}

/** Lists and replays dead letters. */
export interface DeadLetterService {
  /** The records of `dlqTopic` (which must end in `.dlq`), oldest first, at most `limit`. */
  list(dlqTopic: string, limit: number): Promise<DeadLetterEntry[]>;
  /** Replays the selected records to their source topic; each record at most once, ever. */
  replay(dlqTopic: string, selection: ReplaySelection, by: string): Promise<ReplayResult>;
}
