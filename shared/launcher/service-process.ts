/**
 * One long-running part of the system (a worker, an MCP server) as a child process of the launcher: its output
 * prefixed with its name, readiness announced over IPC (and, for servers, a passing health check), and a stop that
 * escalates from SIGTERM to SIGKILL. The same IPC channel ends the child when the launcher ends, however it ends
 * (shared/ready.ts). Each child gets a process group of its own, so a terminal's Ctrl-C reaches only the launcher,
 * which stops the children in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot, type ConfigSections } from '../config';
import { StartupError } from '../main';
import { serviceEnvironment } from './service-env';

export interface ServiceSpec {
  name: string;
  /** Entry point, relative to the repository root. */
  entry: string;
  /** Besides the process's own ready message (IPC), a check that must pass, such as an HTTP health check. */
  check?: () => Promise<boolean>;
  /** It runs a Temporal worker, so it serves the SDK's runtime metrics when TEMPORAL_PROMETHEUS_ADDRESS is set. */
  runsTemporalWorker?: boolean;
  /**
   * The config sections its entry point parses: it gets only their variables and the common ones (service-env.ts),
   * not the launcher's whole environment. Without it (test fixtures), the whole environment.
   */
  reads?: ConfigSections;
  /** Variables for this service alone, over the launcher's environment. */
  env?: Record<string, string>;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** A pino JSON line made readable: `INFO finance worker ready namespace=finance-namespace`; other lines as they are. */
export function formatLogLine(line: string): { text: string; level: number } {
  if (!line.startsWith('{')) return { text: line, level: 30 };
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const level = typeof entry.level === 'number' ? entry.level : 30;
    const fields = Object.entries(entry)
      .filter(([k]) => !HIDDEN_FIELDS.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    const msg = typeof entry.msg === 'string' ? entry.msg : '';
    return { text: [LEVELS[level] ?? level, msg, ...fields].filter(Boolean).join(' '), level };
  } catch {
    return { text: line, level: 30 };
  }
}

export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Lines below this pino level are not echoed (the chat quiets the services once it opens). */
  echoLevel = 0;
  private tail: string[] = [];
  /** The child said it is ready (shared/ready.ts). */
  private announced = false;

  constructor(
    readonly spec: ServiceSpec,
    env: NodeJS.ProcessEnv,
    private readonly echo: (line: string) => void,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: projectRoot,
      env: { ...(spec.reads ? serviceEnvironment(env, spec.reads) : env), ...spec.env },
      // The IPC channel carries the child's "ready" (shared/ready.ts), whatever its LOG_LEVEL.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child.on('message', (message: { type?: string }) => {
      if (message?.type === 'ready') this.announced = true;
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
    );
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
  }

  private onLine(line: string): void {
    const { text, level } = formatLogLine(line);
    this.tail.push(text);
    if (this.tail.length > 20) this.tail.shift();
    if (level >= this.echoLevel) this.echo(`[${this.spec.name}] ${text}`);
  }

  /** Resolves when ready; rejects if the process exits first or the time runs out. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.announced && (!this.spec.check || (await this.spec.check().catch(() => false)))) return;
      if (!this.running) {
        const how = this.child.signalCode
          ? `was killed by ${this.child.signalCode}`
          : `exited with code ${this.child.exitCode}`;
        throw new StartupError(
          `${this.spec.name} ${how} before it was ready; its last lines:\n${this.tail.join('\n')}`,
        );
      }
      if (Date.now() > deadline)
        throw new StartupError(
          `${this.spec.name} was not ready within ${timeoutMs / 1000} s; its last lines:\n${this.tail.join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The last `n` lines it printed, for a message about why it stopped. */
  lastLines(n: number): string {
    return this.tail.slice(-n).join('\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (workers drain, servers close), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Last resort when the launcher itself is going down: no waiting. */
  killNow(): void {
    if (this.running) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal); // the whole group: the child and anything it started
    } catch {
      this.child.kill(signal);
    }
  }
}
