/**
 * Tells a launcher (`npm start`, the benchmark) that this process is ready, over the IPC channel the launcher opened;
 * independent of LOG_LEVEL. A process started any other way has no channel and this does nothing.
 */
export function announceReady(): void {
  if (!process.send) return;
  process.send({ type: 'ready' });
  // The channel must not keep a process alive that is otherwise done (a drained worker, say).
  process.channel?.unref();
}
