/**
 * Entry-point wrapper for every process: a config error or a start-up error is one line saying what to do; anything
 * else is logged with its stack; all exit non-zero. A process started by a launcher ends with it. Nothing here writes
 * to stdout.
 */
import {
  ConfigError,
  loadSections,
  logLevelSection,
  type ConfigOf,
  type ConfigSections,
  type LogLevel,
} from './config';
import { createLogger, type Logger } from './logger';
import { endWithLauncher } from './ready';

/** A failure the user can fix from its message alone (a port in use, Temporal not running): printed as one line. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The process edge: `.env` and the environment, parsed into LOG_LEVEL and the sections this process uses (no
 * others), and its logger, which logs any deprecation the parse noticed.
 */
export function loadProcessConfig<S extends ConfigSections>(
  name: string,
  sections: S,
  opts: { logLevel?: (configured: LogLevel) => LogLevel } = {},
): { config: ConfigOf<S> & { logLevel: LogLevel }; log: Logger } {
  const warnings: string[] = [];
  const config = loadSections({ ...sections, logLevel: logLevelSection }, (w) => warnings.push(w)) as ConfigOf<S> & {
    logLevel: LogLevel;
  };
  const log = createLogger(name, (opts.logLevel ?? ((l) => l))(config.logLevel));
  for (const warning of warnings) log.warn(warning);
  return { config, log };
}

export function runMain(name: string, main: () => Promise<void>): void {
  endWithLauncher();
  main().catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`${name}: ${err.message}\n`);
    } else {
      process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  });
}
