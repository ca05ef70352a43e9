// The worker-thread side of limited-thread.ts. Plain JavaScript because a worker thread does not inherit the tsx
// loader (not from `node --import tsx`, not under vitest): it registers tsx itself, then loads the handler module.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { handle } = await import(workerData.handler);

parentPort.on('message', ({ id, request }) => {
  let reply;
  try {
    reply = { id, ok: true, value: handle(request) };
  } catch (err) {
    reply = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
});
parentPort.postMessage({ ready: true });
