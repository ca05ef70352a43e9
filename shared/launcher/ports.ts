/**
 * Before the launcher starts anything: each port it is about to listen on must be free. A taken port is one line
 * naming the port, the process holding it (where the OS tells us) and what to do, instead of a service dying with
 * EADDRINUSE half-way through the start.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { StartupError } from '../main';

export interface PortUse {
  host: string;
  port: number;
  /** What listens there, for the message: `the Finance MCP server`. */
  what: string;
  /** The setting that moves it: `FINANCE_MCP_PORT (and FINANCE_MCP_URL)`. */
  setting: string;
}

export interface PortHolder {
  pid: number;
  command: string;
}

/** Resolves when `host:port` can be listened on; rejects with a one-line StartupError when it is taken. */
export async function assertPortFree(use: PortUse): Promise<void> {
  const srv = createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    srv.once('error', resolve);
    srv.listen({ host: use.host, port: use.port }, () => srv.close(() => resolve(undefined)));
  });
  if (!error) return;
  if (error.code !== 'EADDRINUSE') {
    throw new StartupError(
      `cannot listen on ${use.host}:${use.port} for ${use.what} (${error.code ?? error.message}); set ${use.setting}`,
    );
  }
  const holder = portHolder(use.port);
  const by = holder ? ` by pid ${holder.pid} (${holder.command})` : '';
  const stop = holder ? `stop it (kill ${holder.pid})` : 'stop what holds it';
  throw new StartupError(
    `port ${use.port} on ${use.host}, for ${use.what}, is already in use${by}: ${stop}, or set ${use.setting} to a free port`,
  );
}

/** The process listening on a TCP port, if the OS tells us (Linux: /proc; elsewhere: lsof when installed). */
export function portHolder(port: number): PortHolder | undefined {
  try {
    return process.platform === 'linux' ? procPortHolder(port) : lsofPortHolder(port);
  } catch {
    return undefined;
  }
}

const TCP_LISTEN = '0A';

function procPortHolder(port: number): PortHolder | undefined {
  // /proc/net/tcp{,6}: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...", ports in hex.
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== TCP_LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] && fields[9] !== '0')
        inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (targets.has(link)) {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return { pid: Number(entry), command: shorten(argv.join(' ')) };
      }
    }
  }
  return undefined;
}

function lsofPortHolder(port: number): PortHolder | undefined {
  // -F pc: one field per line, "p<pid>" then "c<command>".
  const out = execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], {
    encoding: 'utf8',
    timeout: 3000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = /^p(\d+)$/m.exec(out)?.[1];
  const command = /^c(.+)$/m.exec(out)?.[1];
  return pid ? { pid: Number(pid), command: shorten(command ?? '?') } : undefined;
}

function shorten(command: string): string {
  return command.length > 120 ? `${command.slice(0, 117)}...` : command;
}
