/**
 * Keeps one service running: when its process ends without being asked to, it is started again after a delay that
 * doubles with each crash in a row (bounded, and back to the start once the service has been healthy a while). A
 * service that keeps crashing is given up on, with a message saying so: restarting it forever would hide the cause.
 * Nothing is lost meanwhile: work in flight lives in Temporal and resumes when the service is back.
 */
import { ServiceProcess, type ServiceSpec } from './service-process';

export interface RestartPolicy {
  /** Delay before the first restart of a streak; doubles with each further crash. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Up this long after being ready, a service is healthy again: the next crash starts a new streak. */
  healthyAfterMs: number;
  /** More than this many restarts within `windowMs` and the service is given up on. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  maxRestarts: 5,
  // Long enough to hold 5 restarts of a worker (it bundles its workflows first: 10-20 s on a small machine).
  windowMs: 180_000,
};

export type RestartDecision = { restartInMs: number; restart: number } | { giveUp: string };

/** The policy as pure bookkeeping over crash times, so it can be checked without processes. */
export class RestartBudget {
  private restarts: number[] = [];
  private streak = 0;

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** A crash at `now`, of a process that was ready since `readySince` (undefined: it never became ready). */
  onCrash(now: number, readySince?: number): RestartDecision {
    const p = this.policy;
    if (readySince !== undefined && now - readySince >= p.healthyAfterMs) this.streak = 0;
    this.restarts = this.restarts.filter((t) => now - t < p.windowMs);
    if (this.restarts.length >= p.maxRestarts) {
      return {
        giveUp: `it was restarted ${this.restarts.length} times within ${formatDuration(p.windowMs)} and crashed again`,
      };
    }
    const restartInMs = Math.min(p.firstDelayMs * 2 ** this.streak, p.maxDelayMs);
    this.streak += 1;
    this.restarts.push(now);
    return { restartInMs, restart: this.restarts.length };
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10} s`;
  return `${ms / 60_000} min`;
}

export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  /** Where the service's prefixed output goes. */
  echo: (line: string) => void;
  /** The supervisor's own one-line notices (a restart, a service back, giving up): always shown. */
  notice: (line: string, kind: 'restart' | 'back' | 'give-up') => void;
  policy?: RestartPolicy;
  /** How long a restarted process may take to be ready before it counts as another crash. */
  readyTimeoutMs: number;
}

export class SupervisedService {
  /** The current process; replaced on each restart. */
  current: ServiceProcess;
  /** Resolves with a one-line reason once the service has been given up on. */
  readonly gaveUp: Promise<string>;
  private giveUp!: (reason: string) => void;
  private readonly budget: RestartBudget;
  private readySince: number | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private level = 0;

  constructor(
    readonly spec: ServiceSpec,
    private readonly opts: SupervisorOptions,
  ) {
    this.budget = new RestartBudget(opts.policy);
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve));
    this.current = this.spawn();
  }

  get name(): string {
    return this.spec.name;
  }

  /** Lines below this pino level are not echoed (the chat quiets the services once it opens). */
  set echoLevel(level: number) {
    this.level = level;
    this.current.echoLevel = level;
  }

  /** The first start: not supervised, since a service that cannot start once will not start by retrying. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await this.current.waitUntilReady(timeoutMs);
    this.readySince = Date.now();
  }

  /** From now on, restart the service whenever it ends on its own. */
  supervise(): void {
    void this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.current.stop();
  }

  killNow(): void {
    this.stopping = true;
    this.current.killNow();
  }

  private spawn(): ServiceProcess {
    const service = new ServiceProcess(this.spec, this.opts.env, this.opts.echo);
    service.echoLevel = this.level;
    return service;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const ended = this.current;
      const code = await ended.exited;
      if (this.stopping) return;
      const how = ended.child.signalCode ? `was killed by ${ended.child.signalCode}` : `exited with code ${code}`;
      const decision = this.budget.onCrash(Date.now(), this.readySince);
      if ('giveUp' in decision) {
        this.opts.notice(
          `${this.name} ${how}; not restarting it, ${decision.giveUp}. Its last lines:\n${ended.lastLines(5)}`,
          'give-up',
        );
        this.giveUp(`${this.name} keeps crashing`);
        return;
      }
      this.opts.notice(
        `${this.name} ${how}; restarting it in ${formatDuration(decision.restartInMs)} (restart ${decision.restart})`,
        'restart',
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, decision.restartInMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
      if (this.stopping) return;
      this.readySince = undefined;
      const next = (this.current = this.spawn());
      next.waitUntilReady(this.opts.readyTimeoutMs).then(
        () => {
          this.readySince = Date.now();
          this.opts.notice(`${this.name} is back`, 'back');
        },
        // Ended before it was ready (the loop sees that exit) or not ready in time: end it, which counts as a crash.
        () => next.killNow(),
      );
    }
  }
}
