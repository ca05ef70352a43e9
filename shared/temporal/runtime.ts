/**
 * Routes the Temporal SDK's own logs (worker lifecycle, activity context loggers) into our pino logger on stderr.
 * Call once per process, before the first worker or connection is created.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function installTemporalRuntime(log: Logger, level: LogLevel = 'INFO'): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => log[pinoLevel[entry.level]]({ ...entry.meta }, entry.message)),
  });
}
