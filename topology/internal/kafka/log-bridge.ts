import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

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
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}
