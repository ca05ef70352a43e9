/**
 * Entry-point wrapper for every process: a config error or a start-up error is one line saying what to do; anything
 * else is logged with its stack; all exit non-zero. A process started by a launcher ends with it. Nothing here writes
 * to stdout.
 */
import { ConfigError } from './config';
import { endWithLauncher } from './ready';

/** A failure the user can fix from its message alone (a port in use, Temporal not running): printed as one line. */
export class StartupError extends Error {
  override name = 'StartupError';
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
