import type { logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkajs } from './kafkajs-module.js';

const { logLevel } = kafkajs;

/** kafkajs' warning about bounded retries on an idempotent producer (see below why it is demoted). */
const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** The start of kafkajs' line about a rebalance in progress. */
const REBALANCING = 'The group is rebalancing';

/** The start of kafkajs' line about a consumer that crashed (`Crash: <error name>: <message>`). */
const CONSUMER_CRASH = 'Crash: ';

/** The start of kafkajs' line about restarting a crashed consumer, which follows a restart decision. */
const CONSUMER_RESTART = 'Restarting the consumer in ';

/**
 * What the crash line of a passing cluster condition contains: kafkajs' messages (2.2.4, checked against
 * its error table by a unit test) of the transient broker errors of `errors.ts` a consumer crashes with,
 * and the names of its connection errors. The library rides these out.
 */
export const PASSING_CRASH_TEXTS: ReadonlyArray<string> = [
  'The coordinator is loading',
  'The group coordinator is not available',
  'This is not the correct coordinator',
  'There is no leader for this topic-partition',
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'The request timed out',
  'The server disconnected before a response was received',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
];

/**
 * Routes kafkajs' own log lines into a pino logger, so that one application has one log stream. kafkajs
 * is chatty at INFO (every group join, every connection); its INFO becomes pino `debug`, and WARN/ERROR
 * keep their level.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      // kafkajs logs every protocol error response (a rebalance under way, a leader moving) at ERROR on
      // the connection, although the caller handles it; the caller's own log says when one matters.
      if (namespace === 'Connection' && message.startsWith('Response ')) logger.debug(fields, message);
      // The runtime's assignor sends marker topics (hosts, shutdown) this way on purpose.
      else if (message === 'Consumer group received unsubscribed topics') logger.debug(fields, message);
      // Said once per producer whose retries are bounded, i.e. every producer of the runtime (each
      // exactly-once task has one). Harmless here: a send that runs out of retries fails the task, which is
      // redone from its last commit (transactions abort, at-least-once replays), so no record is lost.
      else if (message.startsWith(BOUNDED_RETRIES_WARNING)) logger.debug(fields, message);
      // 'The group is rebalancing, re-joining': every member of every group says it at each ordinary
      // rebalance, which is passing news (the runtime logs its own state changes at INFO).
      else if (message.startsWith(REBALANCING)) logger.debug(fields, message);
      // kafkajs says every consumer crash at ERROR, also the passing ones the library rides out (a first
      // join while the group coordinator still loads: 'Crash: KafkaJSProtocolError: The coordinator is
      // loading'), and the restart that follows too. Their owner says once, as a warning, what happens
      // next: the group member joins again (`consumer.ts`), KafkaStreams replaces the failed thread, the
      // changelog follower restarts. Other crashes stay errors.
      else if (namespace === 'Consumer' && isPassingCrash(message)) logger.debug(fields, message);
      else if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** True for kafkajs' line of a consumer crash on a passing cluster condition, or of its restart. */
function isPassingCrash(message: string): boolean {
  if (message.startsWith(CONSUMER_RESTART)) return true;
  return message.startsWith(CONSUMER_CRASH) && PASSING_CRASH_TEXTS.some((text) => message.includes(text));
}
