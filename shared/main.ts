/**
 * Entry-point wrapper for every process: a config error is one line naming the variable; anything else is logged
 * with its stack; both exit non-zero. Nothing here writes to stdout.
 */
import { ConfigError } from './config';

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
    } else {
      process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  });
}
