/**
 * Ends a process that cannot watch its launcher (the Temporal dev server, a Go binary) when the launcher ends,
 * however it ends. A small node process holds an IPC channel to the launcher; the kernel closes it when the launcher
 * dies, even by kill -9, and the watchdog then stops the guarded process.
 *
 * Why a watchdog beside the server rather than a wrapper around it: the server stays a direct child, so its pid,
 * exit code and signals mean what they did (a SIGKILL meant for the server reaches the server, not a wrapper that
 * would leave it orphaned). Linux's PR_SET_PDEATHSIG would need a native addon or util-linux's setpriv, and no macOS.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../config';
import { serviceEnvironment } from './service-env';

export interface Watchdog {
  /** The guarded process has stopped: end the watchdog, and resolve once it is gone (so nothing outlives the launcher). */
  release(): Promise<void>;
}

export function startWatchdog(pid: number): Watchdog {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'shared/launcher/watchdog-process.ts'), String(pid)],
    {
      cwd: projectRoot,
      env: serviceEnvironment(process.env, {}), // it reads no config, so it gets no secret
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Out of the terminal's process group: a Ctrl-C goes to the launcher, which stops the server in order.
      detached: true,
    },
  );
  // Neither the process nor its channel may keep the launcher alive.
  child.unref();
  child.channel?.unref();
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async release() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.ref(); // keep the launcher until the watchdog is gone
      child.kill('SIGTERM');
      await exited;
    },
  };
}
