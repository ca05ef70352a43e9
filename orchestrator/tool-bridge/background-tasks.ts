/**
 * Long-running tools (`taskMode: 'always'` in their definition: price_alert, watch_ip) run as background tasks of the
 * conversation: the call starts the tool (an MCP task, or a Nexus workflow-run operation) and the turn goes on at
 * once; the conversation follows the task and records its result in the transcript when it ends, whether or not
 * anyone asks; `check_task` lets the agent look at one in a later turn. The tasks are conversation state, so a worker
 * restart or a replay finds them as they were; that state is bounded (../state-bounds.ts): results capped and kept
 * once, only the most recent finished tasks kept, running ones capped. Workflow code only.
 */
import { patched } from '@temporalio/workflow';
import { describeFailure } from '../../shared/temporal/failures';
import type { RemoteToolOutcome, ToolOutcome } from '../contract/activities';
import { BOUNDED_STATE_PATCH } from '../patches';
import type { BackgroundTask, ConversationState, RemoteToolDescriptor } from '../contract/conversation';
import {
  capText,
  firstLine,
  MAX_DROPPED_TASK_IDS,
  MAX_FINISHED_TASKS,
  MAX_RUNNING_TASKS,
  MAX_TASK_RESULT_CHARS,
} from '../state-bounds';
import { now, Transcript } from '../transcript';
import { financeTools } from '../../tool-workers/finance/tools';
import { itTools } from '../../tool-workers/it/tools';
import type { StartedTask } from './transport';

const longRunning = new Set<string>(
  [...financeTools, ...itTools].filter((t) => t.taskMode === 'always').map((t) => t.name),
);

/** A tool that runs for minutes or hours, from its definition: started in the background, never waited for. */
export function runsLong(descriptor: Pick<RemoteToolDescriptor, 'name'>): boolean {
  return longRunning.has(descriptor.name);
}

export const CHECK_TASK_TOOL = {
  name: 'check_task',
  description:
    'Status and result of a background task started earlier in this conversation (a long-running tool such as ' +
    'price_alert or watch_ip). Without task_id: every task of this conversation.',
  parameters: {
    type: 'object' as const,
    properties: { task_id: { type: 'string', description: 'The task_id the tool returned when it started' } },
    required: [],
    additionalProperties: false,
  },
};

export class BackgroundTasks {
  private running = 0;
  /** Starts under way (their tasks not yet recorded). */
  private starting = 0;
  private readonly transcript: Transcript;

  constructor(private readonly state: Pick<ConversationState, 'tasks' | 'transcript' | 'droppedTasks'>) {
    this.transcript = new Transcript(state.transcript);
  }

  /** Tasks this conversation started, kept or dropped: check_task is offered once there is one. */
  get count(): number {
    return (this.state.tasks?.length ?? 0) + (this.state.droppedTasks?.count ?? 0);
  }

  /**
   * Starts a task with `begin` unless the conversation runs as many as it may (counting starts under way, so that
   * parallel calls of one model response cannot all slip past the bound); what the model reads of it.
   */
  async start(
    descriptor: RemoteToolDescriptor,
    args: Record<string, unknown>,
    begin: () => Promise<StartedTask>,
  ): Promise<ToolOutcome> {
    const running = (this.state.tasks ?? []).filter((t) => t.status === 'working').length + this.starting;
    if (running >= MAX_RUNNING_TASKS && patched(BOUNDED_STATE_PATCH)) {
      const text =
        `Error: ${descriptor.name} was not started: this conversation already has ${running} background tasks ` +
        `running, the most it may (${MAX_RUNNING_TASKS}). Wait for one to end (check_task shows them), then start it again.`;
      return { ok: false, text };
    }
    this.starting += 1;
    try {
      return { ok: true, text: this.started(descriptor, args, await begin()) };
    } catch (err) {
      return { ok: false, text: `Error: ${descriptor.name} could not start: ${describeFailure(err)}` };
    } finally {
      this.starting -= 1;
    }
  }

  /** Tasks this run is following: continue-as-new waits for them, since each belongs to this run. */
  get inFlight(): number {
    return this.running;
  }

  /** Records a started task, follows it to its end, and says to the model what happens next. */
  private started(descriptor: RemoteToolDescriptor, args: Record<string, unknown>, task: StartedTask): string {
    const record: BackgroundTask = {
      id: task.id,
      tool: descriptor.name,
      server: descriptor.server,
      arguments: args,
      status: 'working',
      startedAt: now(),
    };
    (this.state.tasks ??= []).push(record);
    this.running += 1;
    void task.outcome
      .then((outcome) => this.ended(record, outcome))
      .catch((err: unknown) => this.ended(record, { ok: false, text: `Error: ${String(err)}` }))
      .finally(() => (this.running -= 1));
    return (
      `Started ${descriptor.name} as a background task (task_id ${task.id}). It keeps running after this reply; ` +
      'its result is recorded in this conversation when it ends. Use check_task with this task_id to see how it is going.'
    );
  }

  /**
   * One task with its (capped) result, or every kept task in a line each: a listing of many tasks' whole results
   * would flood the model's context. Reads state only, so its text can change without a patch.
   */
  check(args: Record<string, unknown>): string {
    const tasks = this.state.tasks ?? [];
    const dropped = this.state.droppedTasks;
    const id = typeof args.task_id === 'string' ? args.task_id : undefined;
    if (id) {
      const task = tasks.find((t) => t.id === id);
      if (task) return describe(task);
      if (dropped?.ids.includes(id))
        return (
          `Background task ${id} finished and is no longer kept: this conversation keeps the results of its ` +
          `${MAX_FINISHED_TASKS} most recent finished tasks. Its outcome was recorded in the transcript when it ended.`
        );
      const older = dropped?.count
        ? ` (or it is one of the ${dropped.count} older finished tasks that are no longer kept)`
        : '';
      return `Error: no background task ${JSON.stringify(id)} in this conversation${older}.`;
    }
    if (tasks.length === 0 && !dropped?.count) return 'No background tasks were started in this conversation.';
    const lines = tasks.map((t) =>
      t.result ? `${headOf(t)} at ${t.endedAt}: ${firstLine(t.result)}` : `${headOf(t)}.`,
    );
    if (dropped?.count) lines.push(`${dropped.count} older finished tasks are no longer kept.`);
    if (tasks.some((t) => t.result)) lines.push("check_task with a task_id gives that task's whole result.");
    return lines.join('\n');
  }

  private ended(record: BackgroundTask, outcome: RemoteToolOutcome): void {
    record.status = outcome.ok ? 'completed' : 'failed';
    record.endedAt = now();
    if (!patched(BOUNDED_STATE_PATCH)) return this.endedBeforeBoundedStatePatch(record, outcome);
    // One copy of the (capped) result, in the task; the transcript notes its first line.
    record.result = capText(outcome.text, MAX_TASK_RESULT_CHARS);
    this.transcript.add({
      kind: 'notice',
      at: record.endedAt,
      text: `Background task ${record.id} (${record.tool}) ${record.status}: ${firstLine(outcome.text)}`,
    });
    this.dropOldFinished();
  }

  /**
   * The end of `ended` in runs started before BOUNDED_STATE_PATCH (docs/patches.md): the whole result kept in the
   * task and again in the transcript, and every finished task kept.
   */
  private endedBeforeBoundedStatePatch(record: BackgroundTask, outcome: RemoteToolOutcome): void {
    record.result = outcome.text;
    this.transcript.add({
      kind: 'notice',
      at: record.endedAt!,
      text: `Background task ${record.id} (${record.tool}) ${record.status}: ${outcome.text}`,
    });
  }

  /** Keeps the most recent finished tasks (in the order they ended) and remembers the ids of the rest, bounded. */
  private dropOldFinished(): void {
    const tasks = this.state.tasks ?? [];
    const finished = tasks.filter((t) => t.status !== 'working');
    const excess = finished.length - MAX_FINISHED_TASKS;
    if (excess <= 0) return;
    finished.sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? ''));
    const dropping = new Set(finished.slice(0, excess));
    this.state.tasks = tasks.filter((t) => !dropping.has(t));
    const dropped = (this.state.droppedTasks ??= { count: 0, ids: [] });
    dropped.count += excess;
    dropped.ids.push(...[...dropping].map((t) => t.id));
    dropped.ids.splice(0, Math.max(0, dropped.ids.length - MAX_DROPPED_TASK_IDS));
  }
}

function headOf(task: BackgroundTask): string {
  return `${task.tool} task ${task.id}, started ${task.startedAt}: ${task.status}`;
}

function describe(task: BackgroundTask): string {
  return task.result ? `${headOf(task)} at ${task.endedAt}. Result: ${task.result}` : `${headOf(task)}.`;
}
