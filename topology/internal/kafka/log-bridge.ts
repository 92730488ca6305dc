// Must load before kafkajs: it corrects kafkajs' read_committed filter (see the module).
import './kafkajs-aborted-filter.js';
import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** kafkajs' warning about bounded retries on an idempotent producer (see below why it is demoted). */
const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** The start of kafkajs' line about a rebalance in progress. */
const REBALANCING = 'The group is rebalancing';

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
      else if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}
