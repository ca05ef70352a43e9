/**
 * One warm worker thread that runs a handler module's `handle(request)` under a wall-clock limit and V8's memory and
 * stack limits (`resourceLimits`). A request that passes a limit costs the thread, never the process: the thread is
 * terminated (or dies of its heap limit) and a new one is started for the next request. Requests run one at a time;
 * a bounded number wait. The thread is unref'd, so it never keeps a process alive; `close()` ends it.
 */
import { Worker } from 'node:worker_threads';

export interface ThreadLimits {
  /** Wall-clock time of one request, counted from the moment the thread takes it. */
  timeoutMs: number;
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
  stackSizeMb: number;
  /** Requests that may wait while the thread is busy; more are refused. */
  maxQueued: number;
}

/**
 * time, memory: the request passed that limit. died: the thread ended while running the request. busy: the queue
 * is full. unavailable: the thread could not start, or the host is closed.
 */
export type ThreadLimit = 'time' | 'memory' | 'died' | 'busy' | 'unavailable';

export class ThreadLimitError extends Error {
  override name = 'ThreadLimitError';
  constructor(
    readonly limit: ThreadLimit,
    message: string,
  ) {
    super(message);
  }
}

interface Job {
  request: unknown;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

type Reply = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const entry = new URL('./limited-thread-entry.mjs', import.meta.url);

export class LimitedThread<Request, Response> {
  private thread: Worker | undefined;
  private ready = false;
  private running: { job: Job; id: number; timer: NodeJS.Timeout } | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** `handler`: a module (TypeScript or JavaScript) exporting `handle(request)`, synchronous, with cloneable values. */
  constructor(
    private readonly handler: URL,
    readonly limits: ThreadLimits,
  ) {}

  /** Starts the thread ahead of the first request: loading it takes a few hundred milliseconds. */
  start(): void {
    if (!this.closed && !this.thread) this.spawn();
  }

  run(request: Request): Promise<Response> {
    if (this.closed) return Promise.reject(new ThreadLimitError('unavailable', 'the thread is closed'));
    if (this.queue.length >= this.limits.maxQueued) {
      return Promise.reject(
        new ThreadLimitError(
          'busy',
          `${this.queue.length} requests are already waiting (at most ${this.limits.maxQueued})`,
        ),
      );
    }
    return new Promise<Response>((resolve, reject) => {
      this.queue.push({ request, resolve: resolve as (value: unknown) => void, reject });
      this.start();
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closed = new ThreadLimitError('unavailable', 'the thread was closed');
    for (const job of this.queue.splice(0)) job.reject(closed);
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.job.reject(closed);
      this.running = undefined;
    }
    const thread = this.thread;
    this.stop();
    await thread?.terminate();
  }

  private spawn(): void {
    const { maxOldGenerationSizeMb, maxYoungGenerationSizeMb, stackSizeMb } = this.limits;
    const thread = new Worker(entry, {
      workerData: { handler: this.handler.href },
      resourceLimits: { maxOldGenerationSizeMb, maxYoungGenerationSizeMb, stackSizeMb },
      // None of the parent's flags (--import tsx, --expose-gc, inspector): the entry loads what it needs.
      execArgv: [],
    });
    thread.unref();
    this.thread = thread;
    this.ready = false;
    let failure: Error | undefined;
    thread.on('message', (reply: Reply) => {
      if (thread === this.thread) this.onReply(reply);
    });
    thread.on('error', (err) => (failure = err));
    thread.on('exit', () => {
      if (thread === this.thread) this.onExit(failure);
    });
  }

  private dispatch(): void {
    const thread = this.thread;
    if (!thread || !this.ready || this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    const id = this.nextId++;
    // The timer is ref'd: it keeps the process alive until the answer (the thread itself does not).
    const timer = setTimeout(() => this.overrun(), this.limits.timeoutMs);
    this.running = { job, id, timer };
    thread.postMessage({ id, request: job.request });
  }

  private onReply(reply: Reply): void {
    if ('ready' in reply) {
      this.ready = true;
      return this.dispatch();
    }
    const running = this.running;
    if (!running || running.id !== reply.id) return;
    clearTimeout(running.timer);
    this.running = undefined;
    if (reply.ok) running.job.resolve(reply.value);
    else running.job.reject(new Error(reply.error));
    this.dispatch();
  }

  private overrun(): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.job.reject(new ThreadLimitError('time', `took longer than ${this.limits.timeoutMs} ms`));
    void this.thread?.terminate();
    this.replace();
  }

  private onExit(failure: Error | undefined): void {
    const running = this.running;
    const wasReady = this.ready;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.job.reject(
        (failure as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ThreadLimitError('memory', `needed more than ${this.limits.maxOldGenerationSizeMb} MB of memory`)
          : new ThreadLimitError('died', `the thread stopped${failure ? `: ${failure.message}` : ''}`),
      );
    }
    if (!wasReady && !running) {
      // It could not even start: no restart loop; the waiting requests fail, and the next one tries again.
      this.stop();
      const reason = new ThreadLimitError(
        'unavailable',
        `the thread could not start: ${failure?.message ?? 'it exited'}`,
      );
      for (const job of this.queue.splice(0)) job.reject(reason);
      return;
    }
    this.replace();
  }

  /** A fresh thread in place of one that is gone or going, so the next request finds it warm. */
  private replace(): void {
    this.stop();
    if (this.closed) return;
    this.spawn();
  }

  private stop(): void {
    this.thread = undefined;
    this.ready = false;
  }
}
