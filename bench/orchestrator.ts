/**
 * Rows 6, 6b and 6c: one orchestrator turn (offline planner, one MCP tool call), with the planner as a local activity
 * (the default) and, interleaved, as a scheduled activity (a client whose plugin header turns local activities off),
 * and the same turn in the manual loop (AGENT_LOOP=manual, its planner a local activity too); where the turn's time
 * goes, from the conversations' histories. 6e: the row 6 turn with the Agents SDK's tracing on (`agentTracing`), as
 * every turn was before `agent-tracing-only-when-exported`.
 */
import { Client } from '@temporalio/client';
import { OpenAIAgentsPlugin } from '@temporalio/openai-agents';
import { Conversations, conversationInput, type ConversationHandle } from '../orchestrator/conversations';
import { ConversationModelProvider } from '../orchestrator/model/provider';
import { createAgentsPlugin } from '../orchestrator/plugin';
import type { AgentLoop, ConversationInput } from '../orchestrator/contract/conversation';
import { GOALS, judge, REPORTED } from './goals';
import type { Harness, Need } from './harness';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'orchestrator';
export const description =
  'one orchestrator turn (offline planner + stock_price): planner as local vs scheduled activity; the manual loop beside it';
// The turn's tool call goes through the Finance server. The IT server must be up too: a conversation lists both
// servers' tools, and one it cannot reach is asked again (two attempts, 500 ms apart) on every turn.
export const needs: readonly Need[] = ['temporal', 'orchestrator', 'finance', 'it'];

interface TurnSpans {
  /** Workflow task started → completed, summed: the worker's own time (the planner runs inside as a local activity). */
  workflowTasks: number;
  taskCount: number;
  /** Workflow task scheduled → started, summed: waiting for the task to reach the worker. */
  taskWaits: number;
  /** The tool call activities, scheduled → completed. */
  tool: number;
  /** History events the turn added. */
  events: number;
}

type HistoryEvents = NonNullable<Awaited<ReturnType<ConversationHandle['fetchHistory']>>['events']>;

const ts = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** Per turn (the events up to each Update's completion), where the server's history says the time went. */
function turnSpans(events: HistoryEvents): TurnSpans[] {
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const turns: TurnSpans[] = [];
  const fresh = (): TurnSpans => ({ workflowTasks: 0, taskCount: 0, taskWaits: 0, tool: 0, events: 0 });
  let current = fresh();
  for (const e of events) {
    current.events += 1;
    const started =
      e.workflowTaskStartedEventAttributes && byId.get(String(e.workflowTaskStartedEventAttributes.scheduledEventId));
    if (started) current.taskWaits += ts(e.eventTime) - ts(started.eventTime);
    const completed =
      e.workflowTaskCompletedEventAttributes && byId.get(String(e.workflowTaskCompletedEventAttributes.startedEventId));
    if (completed) {
      current.workflowTasks += ts(e.eventTime) - ts(completed.eventTime);
      current.taskCount += 1;
    }
    const done = e.activityTaskCompletedEventAttributes;
    const scheduled = done && byId.get(String(done.scheduledEventId));
    if (scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === 'callMcpTool')
      current.tool += ts(e.eventTime) - ts(scheduled.eventTime);
    if (e.workflowExecutionUpdateCompletedEventAttributes) {
      turns.push(current);
      current = fresh();
    }
  }
  return turns;
}

export async function run(h: Harness): Promise<Row[]> {
  const { connection } = h.use('temporal');
  const { orchestrator } = h.config;
  const conversationsWith = (
    plugin: OpenAIAgentsPlugin,
    agentLoop: AgentLoop = 'agents-sdk',
    overrides: Partial<ConversationInput> = {},
  ) =>
    new Conversations(
      new Client({ connection, namespace: h.config.temporal.namespaces.orchestrator, plugins: [plugin] }),
      orchestrator.taskQueue,
      conversationInput(orchestrator, { agentLoop, ...overrides }),
    );
  const local = conversationsWith(createAgentsPlugin(orchestrator));
  const manual = conversationsWith(createAgentsPlugin(orchestrator), 'manual');
  const traced = conversationsWith(createAgentsPlugin(orchestrator), 'agents-sdk', { agentTracing: true });
  const scheduled = conversationsWith(
    new OpenAIAgentsPlugin({
      modelProvider: new ConversationModelProvider(orchestrator.llm),
      modelParams: {
        startToCloseTimeout: orchestrator.modelTimeoutMs,
        retry: { maximumAttempts: 3 },
        useLocalActivity: false,
        summary: 'model call',
      },
    }),
  );
  const [localConversation, scheduledConversation, manualConversation, tracedConversation] = await Promise.all([
    local.start(),
    scheduled.start(),
    manual.start(),
    traced.start(),
  ]);
  const turn = (conversations: Conversations, conversation: ConversationHandle) => async () => {
    const reply = await conversations.send(conversation, 'What is the stock price of AAPL?');
    if (!reply.toolCalls[0]?.ok) throw new Error(`turn failed: ${reply.reply}`);
  };
  const s6 = await interleaved(
    {
      scheduled: turn(scheduled, scheduledConversation),
      local: turn(local, localConversation),
      manual: turn(manual, manualConversation),
      traced: turn(traced, tracedConversation),
    },
    h.n(40),
    3,
  );
  const b6 = summarize(s6.scheduled!);
  const m6 = summarize(s6.local!);
  const c6 = summarize(s6.manual!);
  const e6 = summarize(s6.traced!);
  const tracedSpans = turnSpans((await tracedConversation.fetchHistory()).events ?? []).slice(-s6.traced!.length);
  const manualSpans = turnSpans((await manualConversation.fetchHistory()).events ?? []).slice(-s6.manual!.length);
  const manualP50 = (pick: (t: TurnSpans) => number) => ms(summarize(manualSpans.map(pick)).p50);
  // Where a turn's time goes, from the conversation's history: each turn's events up to its Update's completion.
  const spans = turnSpans((await localConversation.fetchHistory()).events ?? []).slice(-s6.local!.length);
  const p50 = (pick: (t: TurnSpans) => number) => ms(summarize(spans.map(pick)).p50);
  const reported = judge(REPORTED);
  const goal6c = judge(GOALS['6c'], c6.p50);
  const rows: Row[] = [
    {
      goal: '6 orchestrator turn (offline planner + stock_price)',
      baseline: '',
      ours: `turn ${ms(m6.p50)}`,
      mine: m6,
      ...judge(GOALS['6'], m6.p50),
      note:
        `p50s: workflow tasks ${p50((t) => t.workflowTasks)} in the worker (${summarize(spans.map((t) => t.taskCount)).p50} tasks, planner included) + ${p50((t) => t.taskWaits)} ` +
        `waiting for dispatch; tool call activity ${p50((t) => t.tool)} (stock_price through the Finance server); the rest is the Update's round trip; ` +
        `${summarize(spans.map((t) => t.events)).p50} history events a turn`,
    },
    pair(
      '6b orchestrator turn: planner as local activity vs scheduled activity',
      'scheduled',
      'local',
      b6,
      m6,
      reported.target,
      reported.met,
    ),
    pair(
      '6c orchestrator turn, manual loop (offline planner + stock_price) vs the Agents SDK loop',
      'agents-sdk',
      'manual',
      m6,
      c6,
      goal6c.target,
      goal6c.met,
      `manual p50s: workflow tasks ${manualP50((t) => t.workflowTasks)} (${summarize(manualSpans.map((t) => t.taskCount)).p50} tasks, planner included) + ` +
        `${manualP50((t) => t.taskWaits)} waiting for dispatch; tool call activity ${manualP50((t) => t.tool)}; ` +
        `${summarize(manualSpans.map((t) => t.events)).p50} history events a turn`,
    ),
    pair(
      '6e orchestrator turn: Agents SDK tracing off (row 6, the default) vs on (agentTracing)',
      'tracing on',
      'tracing off',
      e6,
      m6,
      reported.target,
      reported.met,
      `workflow tasks p50: on ${ms(summarize(tracedSpans.map((t) => t.workflowTasks)).p50)}, off ${p50((t) => t.workflowTasks)}; ` +
        `${summarize(tracedSpans.map((t) => t.events)).p50} history events a turn with it on`,
    ),
  ];
  await Promise.all([
    local.end(localConversation, 'benchmark done'),
    scheduled.end(scheduledConversation, 'benchmark done'),
    manual.end(manualConversation, 'benchmark done'),
    traced.end(tracedConversation, 'benchmark done'),
  ]);
  return rows;
}
