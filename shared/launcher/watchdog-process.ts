/**
 * The watchdog's own process (see watchdog.ts): `node --import tsx watchdog-process.ts <pid>`, spawned with an IPC
 * channel. When the channel closes, its launcher has ended (even by kill -9): it stops `pid`, SIGTERM and then SIGKILL,
 * and exits. It exits by itself when `pid` ends first; the launcher ends it with SIGTERM once `pid` has stopped.
 */
export {};

const GRACE_MS = 5_000;
const POLL_MS = 500;

const pid = Number(process.argv[2]);
if (!Number.isInteger(pid) || pid <= 0 || !process.send) {
  process.stderr.write('watchdog: usage: node watchdog-process.ts <pid>, spawned with an IPC channel\n');
  process.exit(2);
}

function alive(): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

// The launcher, not the terminal, decides when the guarded process stops.
for (const sig of ['SIGINT', 'SIGHUP'] as const) process.on(sig, () => undefined);

function onLauncherGone(): void {
  if (!alive()) process.exit(0);
  signal('SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > deadline) {
      signal('SIGKILL');
      process.exit(0);
    }
  }, 100);
}

process.once('disconnect', onLauncherGone);
// The launcher may have gone while this process was still loading, before anyone listened.
if (!process.connected) onLauncherGone();

setInterval(() => {
  if (!alive()) process.exit(0);
}, POLL_MS);
