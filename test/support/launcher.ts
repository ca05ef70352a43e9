/**
 * `npm start` as a user runs it, for tests that drive a chat through it and kill what it started: the launcher in a
 * process group of its own, every process it starts found by a marker in its environment (which they all inherit),
 * the chat driven line by line through stdin, and readiness of a restarted service observed from outside (a Temporal
 * poller of the new process, a passing health check).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Connection } from '@temporalio/client';
import { projectRoot } from '../../shared/config';
import { waitFor } from './processes';

// Under NODE_: the launcher gives its children only their own settings and the common variables, NODE_* among them
// (shared/launcher/service-env.ts), so every process a launch starts still inherits the marker.
const MARKER = 'NODE_DMA_LAUNCH_TEST_MARKER';

export interface MarkedProcess {
  pid: number;
  command: string;
}

/** Live processes that inherited `marker` (zombies, which have no command line, are left out: they have ended). */
export function markedProcesses(marker: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${MARKER}=${marker}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (command) found.push({ pid: Number(entry), command });
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

/** The one node process of this run running `script` (not the `sh -c` npm runs it with); throws unless exactly one. */
export function pidOf(marker: string, script: string): number {
  const matches = markedProcesses(marker).filter((p) => /^\S*node /.test(p.command) && p.command.includes(script));
  if (matches.length !== 1) throw new Error(`expected one process running ${script}, found ${JSON.stringify(matches)}`);
  return matches[0]!.pid;
}

export interface Launched {
  child: ChildProcessWithoutNullStreams;
  marker: string;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** Processes of this run still alive. */
  survivors(): MarkedProcess[];
  /** SIGKILL to everything of this run still alive (test clean-up). */
  killAll(): void;
}

/**
 * `npm start` (with the chat), `npm run services`, or `npm run chat` alone (against services already up), with only
 * `env` (plus PATH and HOME) and no .env file.
 */
export function launch(script: 'start' | 'services' | 'chat', env: Record<string, string>): Launched {
  const marker = randomUUID();
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', script], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', [MARKER]: marker, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A process group of its own, like a terminal's foreground job.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  // Decoded as streams: a chunk may end inside a character (the chat's ↳ and → are three bytes each).
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    marker,
    exited,
    out: () => stdout,
    err: () => stderr,
    survivors: () => markedProcesses(marker),
    killAll() {
      for (const { pid } of markedProcesses(marker)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/**
 * Marks the end of a reply. A reply can span lines (and hold blank ones), and arrives in chunks; the chat handles its
 * input one line at a time, so once it has answered this command (its help line) after a turn, that turn's reply is
 * all there.
 */
const SENTINEL = '/help';
const SENTINEL_DONE = /You: \/help\n.*\n/g;

/**
 * The chat of an `npm start` (or `npm run chat`) run, one line at a time: each line waits for its reply before the
 * next is sent.
 */
export class ScriptedChat {
  private sent = 0;

  constructor(private readonly run: Launched) {}

  /** The conversation's workflow id, once the chat has printed it. */
  async conversationId(timeoutMs: number): Promise<string> {
    await waitFor(
      'the chat to start a conversation',
      () => /Started conversation \S+\n/.test(this.run.out()) || this.ended(),
      timeoutMs,
    );
    const id = /Started conversation (\S+)\n/.exec(this.run.out())?.[1];
    if (!id) throw new Error(`the chat did not start a conversation:\n${this.run.out()}\n${this.run.err()}`);
    return id;
  }

  /** Sends one line and resolves with what the chat printed for it: `Agent: …`, the tool lines, any notes. */
  async say(line: string, timeoutMs: number): Promise<string> {
    this.sent += 1;
    const n = this.sent;
    this.run.child.stdin.write(`${line}\n${SENTINEL}\n`);
    await waitFor(`the reply to ${JSON.stringify(line)}`, () => this.answered().length >= n || this.ended(), timeoutMs);
    const ends = this.answered();
    if (ends.length < n)
      throw new Error(`no reply to ${JSON.stringify(line)}; the launcher ended:\n${this.run.out()}\n${this.run.err()}`);
    const segment = this.run.out().slice(n > 1 ? ends[n - 2]! : 0, ends[n - 1]);
    const asked = segment.lastIndexOf(`You: ${line}\n`);
    return segment.slice(asked + `You: ${line}\n`.length, segment.lastIndexOf(`You: ${SENTINEL}\n`));
  }

  /** Ends the chat's input, as the end of a piped script does. */
  end(): void {
    this.run.child.stdin.end();
  }

  /** Where each answered sentinel ends in the output. */
  private answered(): number[] {
    return [...this.run.out().matchAll(SENTINEL_DONE)].map((m) => m.index + m[0].length);
  }

  private ended(): boolean {
    return this.run.child.exitCode !== null || this.run.child.signalCode !== null;
  }
}

// temporal.api.enums.v1.TaskQueueType (@temporalio/proto is not a direct dependency).
const WORKFLOW_TASKS = 1;
const ACTIVITY_TASKS = 2;

/**
 * Resolves once the process `pid` polls `taskQueue` for both workflow and activity tasks: a worker the launcher
 * (re)started is serving, as Temporal sees it. Workers identify as `<pid>@<hostname>` (the SDK's default).
 */
export async function waitForWorkerPolling(
  connection: Connection,
  namespace: string,
  taskQueue: string,
  pid: number,
  timeoutMs: number,
): Promise<void> {
  const identity = `${pid}@${hostname()}`;
  const polls = async (taskQueueType: number) => {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    return (pollers ?? []).some((p) => p.identity === identity);
  };
  await waitFor(
    `worker ${identity} polling ${namespace}/${taskQueue}`,
    async () => (await polls(WORKFLOW_TASKS)) && (await polls(ACTIVITY_TASKS)),
    timeoutMs,
  );
}
