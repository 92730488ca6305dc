/**
 * Topic names as the API uses them: the pipeline's names, optionally behind a prefix (`TOPIC_PREFIX`) so
 * that a test or a second environment on the same cluster has topics of its own; the streams topology
 * gets the same prefix.
 */

/** Turns a pipeline topic name into the name on the cluster. */
export type TopicNamer = (topic: string) => string;

/** A namer that adds `prefix` (empty: the names as they are). */
export function topicNamer(prefix: string): TopicNamer {
  return prefix === '' ? (topic) => topic : (topic) => `${prefix}${topic}`;
}

/** The reservation commands the API produces. */
export const COMMAND_TOPICS = [
  'reservation.created',
  'reservation.modified',
  'reservation.cancelled',
  'reservation.checkin',
  'reservation.checkout',
] as const;

/** A topic of {@link COMMAND_TOPICS}. */
export type CommandTopic = (typeof COMMAND_TOPICS)[number];

/** Every event topic of the pipeline that the sink writes into Postgres. */
export const SINK_TOPICS = [
  ...COMMAND_TOPICS,
  'reservation.confirmed',
  'reservation.rejected',
  'availability.updated',
  'availability.overbooked',
  'rate.updated',
  'rate.applied',
  'payment.initiated',
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'payment.refunded',
  'analytics.booking-kpis',
  'analytics.occupancy',
  'analytics.alerts',
] as const;

/** A topic of {@link SINK_TOPICS}. */
export type SinkTopic = (typeof SINK_TOPICS)[number];

/** The topic between the topology and the payment worker (JSON, internal to the application). */
export const PAYMENT_REQUESTS = 'payment.requests';
