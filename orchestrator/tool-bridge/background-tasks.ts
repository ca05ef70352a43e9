/**
 * Long-running tools (`taskMode: 'always'` in their definition: price_alert, watch_ip) run as background tasks of the
 * conversation: the call starts the tool (an MCP task, or a Nexus workflow-run operation) and the turn goes on at
 * once; the conversation follows the task and records its result in the transcript when it ends, whether or not
 * anyone asks; `check_task` lets the agent look at one in a later turn. The tasks are conversation state, so a worker
 * restart or a replay finds them as they were. Workflow code only.
 */
import type { McpToolOutcome } from '../activities';
import type { BackgroundTask, ConversationState, McpToolDescriptor } from '../shared';
import { now, Transcript } from '../transcript';
import { financeTools } from '../../tool-workers/finance/tools';
import { itTools } from '../../tool-workers/it/tools';
import type { StartedTask } from './transport';

const longRunning = new Set<string>(
  [...financeTools, ...itTools].filter((t) => t.taskMode === 'always').map((t) => t.name),
);

/** A tool that runs for minutes or hours, from its definition: started in the background, never waited for. */
export function runsLong(descriptor: Pick<McpToolDescriptor, 'name'>): boolean {
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
  private readonly transcript: Transcript;

  constructor(private readonly state: Pick<ConversationState, 'tasks' | 'transcript'>) {
    this.transcript = new Transcript(state.transcript);
  }

  get count(): number {
    return this.state.tasks?.length ?? 0;
  }

  /** Tasks this run is following: continue-as-new waits for them, since each belongs to this run. */
  get inFlight(): number {
    return this.running;
  }

  /** Records a started task, follows it to its end, and says to the model what happens next. */
  started(descriptor: McpToolDescriptor, args: Record<string, unknown>, task: StartedTask): string {
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

  check(args: Record<string, unknown>): string {
    const tasks = this.state.tasks ?? [];
    const id = typeof args.task_id === 'string' ? args.task_id : undefined;
    const chosen = id ? tasks.filter((t) => t.id === id) : tasks;
    if (id && chosen.length === 0) return `Error: no background task ${JSON.stringify(id)} in this conversation.`;
    if (chosen.length === 0) return 'No background tasks were started in this conversation.';
    return chosen.map(describe).join('\n');
  }

  private ended(record: BackgroundTask, outcome: McpToolOutcome): void {
    record.status = outcome.ok ? 'completed' : 'failed';
    record.endedAt = now();
    record.result = outcome.text;
    this.transcript.add({
      kind: 'notice',
      at: record.endedAt,
      text: `Background task ${record.id} (${record.tool}) ${record.status}: ${outcome.text}`,
    });
  }
}

function describe(task: BackgroundTask): string {
  const head = `${task.tool} task ${task.id}, started ${task.startedAt}: ${task.status}`;
  return task.result ? `${head} at ${task.endedAt}. Result: ${task.result}` : `${head}.`;
}
