/**
 * One workflow per conversation. Each user turn is an Update that runs the OpenAI Agents SDK loop through
 * `TemporalOpenAIRunner` (every model call an activity, a local one for the offline planner) and returns the reply;
 * the transcript is a Query. Memory is a `WorkflowSafeMemorySession` carried across continue-as-new, trimmed to the
 * context policy before each turn.
 *
 * Tools: every tool the MCP servers list (kept in state for as long as each list's `ttlMs` allows) and the local
 * calculator and weather, each call an activity. The IT session's handle is conversation state too: the model never
 * sees it. Workflow code only: no I/O, no Node APIs, activity types only.
 */
import { Agent, tool, type AgentInputItem, type FunctionTool } from '@openai/agents-core';
import { TemporalOpenAIRunner, WorkflowSafeMemorySession } from '@temporalio/openai-agents/workflow';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { describeFailure, failureType } from '../shared/temporal/failures';
import type { McpToolOutcome, OrchestratorActivities, ToolOutcome } from './activities';
import { fitToContext } from './context-window';
import {
  MAX_MESSAGE_CHARS,
  MAX_TRANSCRIPT_ENTRIES,
  OFFLINE_MODEL_NAME,
  endConversationSignal,
  itSessionContract,
  mcpServerNames,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type ConversationState,
  type McpToolDescriptor,
  type ToolCallRecord,
  type TranscriptEntry,
  type TurnReply,
} from './shared';

/** Model round trips within one user turn (tool calls and the answer). */
const MAX_AGENT_TURNS = 10;
/** A server cannot make a conversation keep its tool list longer than this (the MCP SDK's own cap on `ttlMs`). */
const MAX_LIST_TTL_MS = 86_400_000;
/**
 * MCP 2026-07-28: tool lists kept for their `ttlMs`, the IT handle taken from results, IT calls serialized until a
 * handle exists. Runs recorded before it replay the old command sequence (test/orchestrator/conversation-replay.test.ts).
 */
const MCP_2026_PATCH = 'mcp-2026-handles';
/**
 * The offline planner is pure CPU (milliseconds, no I/O): as a local activity it runs inside the workflow task
 * that asks for it, instead of a scheduled activity plus one more workflow task, twice a turn (the README's Benchmarks
 * has the measurement). Remote models do network I/O for seconds and stay scheduled activities. Runs started before
 * this replay their scheduled model activities.
 */
const LOCAL_PLANNER_PATCH = 'offline-planner-local-activity';

const calculatorSchema = {
  type: 'object' as const,
  properties: { expression: { type: 'string', description: 'Arithmetic expression, for example (15 * 23) / 4 or sqrt(144)' } },
  required: ['expression'],
  additionalProperties: false as const,
};
const weatherSchema = {
  type: 'object' as const,
  properties: { city: { type: 'string', description: 'City name, for example New York or Paris' } },
  required: ['city'],
  additionalProperties: false as const,
};

export interface ConversationResult {
  turns: number;
  endedBecause: string;
}

function now(): string {
  return new Date().toISOString(); // Temporal's deterministic clock inside a workflow
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MCP input schemas as the Agents SDK takes them (non-strict JSON Schema objects), minus what the workflow supplies. */
function toolParameters(schema: Record<string, unknown>, hidden: readonly string[]) {
  const { $schema: _ignored, ...rest } = schema;
  const properties = isRecord(rest.properties) ? { ...rest.properties } : {};
  for (const name of hidden) delete properties[name];
  const required = Array.isArray(rest.required) ? { required: rest.required.filter((r) => !hidden.includes(r as string)) } : {};
  return { ...rest, ...required, type: 'object' as const, properties } as never;
}

/** An IT tool that works in the conversation's session: it takes the handle as an argument. */
function usesItSession(descriptor: McpToolDescriptor): boolean {
  return descriptor.server === 'it' && isRecord(descriptor.inputSchema.properties) && itSessionContract.handleArgument in descriptor.inputSchema.properties;
}

/** Tools the conversation uses itself and does not offer the model: it closes its session when it ends. */
function offeredToModel(descriptor: McpToolDescriptor): boolean {
  return !(descriptor.server === 'it' && descriptor.name === itSessionContract.closeTool);
}

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationResult> {
  const { workflowId } = workflowInfo();
  const state: ConversationState = input.state ?? {
    items: [],
    transcript: [],
    turns: 0,
    catalog: [],
    unavailable: {},
    startedAt: now(),
  };
  const session = new WorkflowSafeMemorySession({ initialItems: state.items });
  const runner = new TemporalOpenAIRunner(
    input.model === OFFLINE_MODEL_NAME && patched(LOCAL_PLANNER_PATCH) ? { defaultModelParams: { useLocalActivity: true } } : undefined,
  );

  const retry = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' };
  const nonRetryableErrorTypes = ['McpRequestRejected', 'McpSessionNotFound'];
  const toolActivities = proxyActivities<OrchestratorActivities>({
    startToCloseTimeout: input.toolCalls.timeoutMs,
    retry: { ...retry, maximumAttempts: input.toolCalls.maxAttempts, nonRetryableErrorTypes },
  });
  // Discovery must not hold a turn up long: a server that is down now is asked again next turn.
  const discoveryActivities = proxyActivities<OrchestratorActivities>({
    startToCloseTimeout: Math.min(input.toolCalls.timeoutMs, 15_000),
    retry: { ...retry, maximumAttempts: Math.min(2, input.toolCalls.maxAttempts), nonRetryableErrorTypes },
  });

  let busy = false;
  let pokes = 0;
  let endedBecause: string | undefined;

  function addTranscript(entry: TranscriptEntry): void {
    state.transcript.push(entry);
    const excess = state.transcript.length - MAX_TRANSCRIPT_ENTRIES;
    if (excess > 0) {
      state.transcript.splice(0, excess + 1, { kind: 'notice', at: now(), text: `${excess + 1} older transcript entries were archived out of the workflow state.` });
    }
  }

  function noteFor(notices: string[], text: string): void {
    notices.push(text);
    addTranscript({ kind: 'notice', text, at: now() });
  }

  let discovery: Promise<void> | undefined;
  /** One discovery at a time: a turn that arrives while the start-up discovery runs waits for it. */
  function discoverTools(notices: string[]): Promise<void> {
    discovery ??= discoverDueTools(notices).finally(() => (discovery = undefined));
    return discovery;
  }

  /**
   * Lists the tools of every server missing from the catalog or whose list has expired. The catalog lives in workflow
   * state and expires by workflow time, not in a worker-process cache: a turn then needs no activity while the list is
   * fresh, the decision is deterministic on replay, and it survives worker restarts and continue-as-new. A 'private'
   * list (`cacheScope`) stays within this one conversation, so either scope may be kept here.
   */
  async function discoverDueTools(notices: string[]): Promise<void> {
    const honourTtl = patched(MCP_2026_PATCH);
    const askedAt = Date.now(); // before the request: the list is never kept past what the server allowed
    const due = mcpServerNames.filter(
      (server) => !state.catalog.some((t) => t.server === server) || (honourTtl && askedAt >= (state.catalogExpiresAt?.[server] ?? 0)),
    );
    await Promise.all(
      due.map(async (server) => {
        const known = state.catalog.some((t) => t.server === server);
        try {
          const found = await discoveryActivities.discoverMcpTools.executeWithOptions({ summary: `discover ${server} tools` }, [{ server }]);
          state.catalog = [...state.catalog.filter((t) => t.server !== server), ...found.tools];
          const ttlMs = Math.min(Math.max(0, found.ttlMs ?? 0), MAX_LIST_TTL_MS);
          state.catalogExpiresAt = { ...state.catalogExpiresAt, [server]: askedAt + ttlMs };
          // Recorded before the patch: discovery opened the IT session and returned its Mcp-Session-Id.
          const legacySessionId = (found as { sessionId?: string }).sessionId;
          if (legacySessionId && server === 'it') state.itSessionId = legacySessionId;
          if (state.unavailable[server]) noteFor(notices, `The ${server} tool server is reachable again.`);
          delete state.unavailable[server];
        } catch (err) {
          if (server === 'it' && state.itSessionId && failureType(err) === 'McpSessionNotFound') {
            state.itSessionId = undefined; // recorded before the patch only
            noteFor(notices, 'The IT session of this conversation had ended; a new one will be opened.');
            return;
          }
          const reason = describeFailure(err);
          // An expired list is still the best one there is: its tools stay offered, and the list is asked for again next turn.
          const consequence = known ? 'its tools may fail' : 'its tools are missing';
          if (state.unavailable[server] === undefined) noteFor(notices, `The ${server} tool server is unavailable (${reason}); ${consequence} until it is back.`);
          state.unavailable[server] = reason;
        }
      }),
    );
  }

  /** Recorded before the patch only: the IT session ended under us, so a new one was opened by a discovery. */
  async function renewItSession(notices: string[]): Promise<void> {
    state.itSessionId = undefined;
    state.catalog = state.catalog.filter((t) => t.server !== 'it');
    noteFor(notices, 'The IT session of this conversation had ended (idle or deleted); a new, empty one was opened.');
    await discoverTools(notices);
  }

  let openingItSession = false;
  /**
   * Runs an IT call in the conversation's session. Without a handle yet, such calls go one at a time: the first
   * state-changing one opens the session and those after it use its handle, rather than parallel calls of one turn
   * each opening a session of their own.
   */
  async function inItSession(attempt: (handle: string | undefined) => Promise<McpToolOutcome>): Promise<{ outcome: McpToolOutcome; handle?: string }> {
    if (state.itSessionId === undefined && patched(MCP_2026_PATCH)) {
      while (state.itSessionId === undefined && openingItSession) await condition(() => !openingItSession);
      if (state.itSessionId === undefined) {
        openingItSession = true;
        try {
          const outcome = await attempt(undefined);
          state.itSessionId ??= outcome.sessionId;
          return { outcome };
        } finally {
          openingItSession = false;
        }
      }
    }
    const handle = state.itSessionId;
    const outcome = await attempt(handle);
    state.itSessionId ??= outcome.sessionId;
    return { outcome, handle };
  }

  /** An IT call; when its handle is gone (idle expiry, closed), the handle is dropped and the call made once more. */
  async function callInItSession(attempt: (handle: string | undefined) => Promise<McpToolOutcome>, notices: string[]): Promise<McpToolOutcome> {
    const first = await inItSession(attempt);
    if (!first.outcome.sessionNotFound || first.handle === undefined) return first.outcome;
    // A parallel call may already have dropped it (and a newer handle may be in place): one notice per lost session.
    if (state.itSessionId === first.handle) {
      state.itSessionId = undefined;
      noteFor(notices, 'The IT session of this conversation had ended (idle or closed); its data is gone and a new, empty session is used from now on.');
    }
    return (await inItSession(attempt)).outcome;
  }

  function recordCall(calls: ToolCallRecord[], call: Omit<ToolCallRecord, 'summary' | 'ok'>, outcome: ToolOutcome): string {
    calls.push({ ...call, ok: outcome.ok, summary: firstLine(outcome.text) });
    return outcome.text;
  }

  function mcpTool(descriptor: McpToolDescriptor, calls: ToolCallRecord[], notices: string[]): FunctionTool<any, any, string> {
    const inSession = usesItSession(descriptor);
    const hidden = inSession ? [itSessionContract.handleArgument] : [];
    return tool({
      name: descriptor.name,
      description: descriptor.description,
      parameters: toolParameters(descriptor.inputSchema, hidden),
      strict: false,
      execute: async (args: unknown) => {
        const modelArgs = { ...((args && typeof args === 'object' ? args : {}) as Record<string, unknown>) };
        for (const name of hidden) delete modelArgs[name]; // the conversation's handle, never the model's guess
        const call = { tool: descriptor.name, server: descriptor.server, arguments: modelArgs };
        const attempt = (handle?: string) =>
          toolActivities.callMcpTool.executeWithOptions({ summary: `${descriptor.name} ${JSON.stringify(modelArgs).slice(0, 120)}` }, [
            {
              server: descriptor.server,
              tool: descriptor.name,
              arguments: handle ? { ...modelArgs, [itSessionContract.handleArgument]: handle } : modelArgs,
              ...(input.user ? { onBehalfOf: input.user } : {}),
            },
          ]);
        try {
          return recordCall(calls, call, inSession ? await callInItSession(attempt, notices) : await attempt());
        } catch (err) {
          // Recorded before the patch only: an ended Mcp-Session-Id failed the call, and a discovery opened a new one.
          if (descriptor.server === 'it' && failureType(err) === 'McpSessionNotFound') {
            await renewItSession(notices);
            try {
              return recordCall(calls, call, await attempt(state.itSessionId));
            } catch (retryErr) {
              err = retryErr;
            }
          }
          const attempts = failureType(err) === 'McpServerUnavailable' ? ` (gave up after ${input.toolCalls.maxAttempts} attempts)` : '';
          return recordCall(calls, call, { ok: false, text: `Error: ${descriptor.name} failed: ${describeFailure(err)}${attempts}` });
        }
      },
    });
  }

  function localTool(
    name: 'calculator' | 'weather',
    description: string,
    parameters: typeof calculatorSchema | typeof weatherSchema,
    run: (args: Record<string, unknown>) => Promise<ToolOutcome>,
    calls: ToolCallRecord[],
  ): FunctionTool<any, any, string> {
    return tool({
      name,
      description,
      parameters: parameters as never,
      strict: false,
      execute: async (args: unknown) => {
        const callArgs = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
        const call = { tool: name, server: 'local' as const, arguments: callArgs };
        try {
          return recordCall(calls, call, await run(callArgs));
        } catch (err) {
          return recordCall(calls, call, { ok: false, text: `Error: ${name} failed: ${describeFailure(err)}` });
        }
      },
    });
  }

  function buildAgent(calls: ToolCallRecord[], notices: string[]): Agent {
    const seen = new Set<string>(['calculator', 'weather']);
    const remote = state.catalog.filter((t) => offeredToModel(t) && !seen.has(t.name) && seen.add(t.name)).map((t) => mcpTool(t, calls, notices));
    const unavailable = Object.entries(state.unavailable).map(([server, why]) => `${server} (${why})`);
    const instructions = [
      'You are a helpful assistant. Use the tools for facts, numbers and actions; never guess a price, a metric or an address.',
      'Finance tools give stock prices and investment growth; IT tools keep a Jira project and an IP history in this conversation\'s own session.',
      'Answer briefly and say which data is sample data when the tool says so. When a tool fails, tell the user plainly what failed.',
      state.summary ? `Earlier turns of this conversation, summarised:\n${state.summary}` : '',
      unavailable.length ? `Unavailable tool servers: ${unavailable.join('; ')}` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
    return new Agent({
      name: 'Assistant',
      instructions,
      model: input.model,
      tools: [
        localTool(
          'calculator',
          'Evaluates an arithmetic expression exactly (+ - * / ^, parentheses, sqrt, percentages) and returns the result.',
          calculatorSchema,
          (args) => toolActivities.calculate.executeWithOptions({ summary: `calculator ${String(args.expression).slice(0, 120)}` }, [{ expression: String(args.expression ?? '') }]),
          calls,
        ),
        localTool(
          'weather',
          'Current weather in a city: temperature, conditions, humidity and wind.',
          weatherSchema,
          (args) => toolActivities.currentWeather.executeWithOptions({ summary: `weather ${String(args.city).slice(0, 80)}` }, [{ city: String(args.city ?? '') }]),
          calls,
        ),
        ...remote,
      ],
    });
  }

  async function runTurn(text: string): Promise<TurnReply> {
    const turn = ++state.turns;
    const notices: string[] = [];
    const calls: ToolCallRecord[] = [];
    addTranscript({ kind: 'user', turn, text, at: now() });
    await discoverTools(notices);

    const fitted = fitToContext(await session.getItems(), input.context, state.summary, { role: 'user', content: text });
    if (fitted.droppedTurns > 0) {
      await session.clearSession();
      await session.addItems(fitted.items);
      state.summary = fitted.summary;
      const how = input.context.strategy === 'summary' ? 'summarised' : 'dropped from the model\'s context';
      noteFor(notices, `${fitted.droppedTurns} earlier turn(s) were ${how} to stay within ${input.context.maxTurns} turns / ~${input.context.maxTokens} tokens.`);
    }

    const before = await session.getItems();
    let reply: string;
    try {
      const result = await runner.run(buildAgent(calls, notices), text, { session, maxTurns: MAX_AGENT_TURNS });
      reply = String(result.finalOutput ?? '').trim() || '(the model returned no answer)';
    } catch (err) {
      // The model failed after its own retries (or looped): the conversation lives on, with an honest reply.
      reply = `Sorry, I could not finish this turn: ${describeFailure(err)}`;
      log.warn('turn failed', { turn, error: describeFailure(err) });
      const assistant: AgentInputItem = { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply }] };
      await session.clearSession();
      await session.addItems([...before, { role: 'user', content: text }, assistant]);
    }
    addTranscript({ kind: 'assistant', turn, text: reply, at: now(), toolCalls: calls });
    return { turn, reply, toolCalls: calls, notices };
  }

  setHandler(
    sendMessageUpdate,
    async ({ text }) => {
      await condition(() => !busy); // turns run one at a time, in arrival order
      busy = true;
      pokes += 1;
      try {
        return await runTurn(text.trim());
      } finally {
        busy = false;
        pokes += 1;
      }
    },
    {
      validator: (request) => {
        const text = (request as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.trim() === '') throw new Error('text must be a non-empty string');
        if (text.length > MAX_MESSAGE_CHARS) throw new Error(`text must be at most ${MAX_MESSAGE_CHARS} characters (got ${text.length})`);
        if (endedBecause) throw new Error(`this conversation has ended (${endedBecause}); start a new one`);
      },
    },
  );

  setHandler(transcriptQuery, () => ({
    conversationId: workflowId,
    model: input.model,
    turns: state.turns,
    itSessionId: state.itSessionId ?? null,
    tools: ['calculator', 'weather', ...state.catalog.filter(offeredToModel).map((t) => t.name)],
    unavailableServers: state.unavailable,
    entries: state.transcript,
  }));

  setHandler(endConversationSignal, ({ reason }) => {
    endedBecause = reason || 'ended';
  });

  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);

  // Tools are discovered when the conversation starts, so the first turn finds them ready.
  if (!input.state) await discoverTools([]);

  for (;;) {
    const seen = pokes;
    const stirred = await condition(() => pokes !== seen || endedBecause !== undefined || (!busy && historyTooLong()), input.idleTimeoutMs);
    if (endedBecause) break;
    if (!stirred && !busy) {
      endedBecause = `idle for ${input.idleTimeoutMs} ms`;
      break;
    }
    if (!busy && historyTooLong()) {
      await condition(() => allHandlersFinished() && !busy);
      state.items = await session.getItems();
      await continueAsNew<typeof conversationWorkflow>({ ...input, state });
    }
  }

  await condition(() => allHandlersFinished() && !busy);
  addTranscript({ kind: 'notice', at: now(), text: `Conversation ended: ${endedBecause}.` });
  if (state.itSessionId) {
    const close = { server: 'it' as const, sessionId: state.itSessionId, ...(input.user ? { onBehalfOf: input.user } : {}) };
    await discoveryActivities.closeMcpSession(close).catch((err: unknown) => {
      log.warn('could not close the IT session', { error: describeFailure(err) });
    });
  }
  return { turns: state.turns, endedBecause };
}

