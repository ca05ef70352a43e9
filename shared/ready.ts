/**
 * The IPC channel a launcher (`npm start`, the benchmark) opens to each process it starts: the process says "ready"
 * over it, independent of LOG_LEVEL, and ends when it closes. A process started any other way has no channel, and
 * both do nothing.
 */
export function announceReady(): void {
  if (!process.send) return;
  process.send({ type: 'ready' });
}

/** How long a process whose launcher is gone gets to shut down cleanly before it exits anyway. */
const ORPHAN_GRACE_MS = 5_000;

/**
 * Ends this process when its launcher ends, however the launcher ends (kill -9 included): the channel closes when
 * the launcher's end of it does. SIGTERM to itself runs the process's own shutdown (workers drain, servers close).
 */
export function endWithLauncher(): void {
  if (!process.send) return;
  const launcherGone = () => {
    setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  process.once('disconnect', launcherGone);
  // The launcher may have gone while this process was still loading, before anyone listened.
  if (!process.connected) return launcherGone();
  // The channel must not keep a process alive that is otherwise done (a drained worker, say).
  process.channel?.unref();
}
