/**
 * One user turn: the model's memory fitted to the context policy, the agent run through `TemporalOpenAIRunner`
 * (every model call an activity), the reply and its tool calls recorded. A context the provider finds too long is
 * trimmed by the context policy and the turn runs once more; a model that still fails, or fails after its own
 * retries, gets an honest reply, and the conversation lives on.
 */
import type { AgentInputItem } from '@openai/agents-core';
import type { TemporalOpenAIRunner, WorkflowSafeMemorySession } from '@temporalio/openai-agents/workflow';
import { log, patched } from '@temporalio/workflow';
import { ModelFailureType } from '../shared/providers';
import { describeFailure, failureType } from '../shared/temporal/failures';
import { buildAgent } from './agent';
import { notApprovedText } from './approvals';
import { fitTighter, fitToContext } from './context-window';
import type { ConversationInput, ConversationState, TurnReply } from './contract/conversation';
import { CONTEXT_TOO_LONG_PATCH } from './patches';
import type { ToolBridge } from './tool-bridge';
import { now, TurnLog, type Transcript } from './transcript';

/** Model round trips within one user turn (tool calls and the answer). */
const MAX_AGENT_TURNS = 10;

export interface TurnContext {
  input: ConversationInput;
  state: ConversationState;
  /** The model's memory, carried across continue-as-new in `state.items`. */
  memory: WorkflowSafeMemorySession;
  runner: TemporalOpenAIRunner;
  /** The Agents SDK's tracing (AGENT_TRACING_PATCH); off, each run says so, and the model hears `tracing: false`. */
  agentTracing: boolean;
  tools: ToolBridge;
  transcript: Transcript;
}

export async function runTurn(context: TurnContext, text: string): Promise<TurnReply> {
  const { input, state, memory, tools, transcript } = context;
  const turn = ++state.turns;
  const turnLog = new TurnLog(transcript);
  transcript.add({ kind: 'user', turn, text, at: now() });
  const discovering = tools.discover(turnLog);
  if (discovering) await discovering;

  const fitted = fitToContext(await memory.getItems(), input.context, state.summary, { role: 'user', content: text });
  if (fitted.droppedTurns > 0) {
    await memory.clearSession();
    await memory.addItems(fitted.items);
    state.summary = fitted.summary;
    const how = input.context.strategy === 'summary' ? 'summarised' : "dropped from the model's context";
    const budget = `${input.context.maxTurns} turns / ~${input.context.maxTokens} tokens`;
    turnLog.notice(`${fitted.droppedTurns} earlier turn(s) were ${how} to stay within ${budget}.`);
  }

  // The memory as this turn starts from (getItems gave a copy): a failed turn is recorded on top of it.
  const start = { items: fitted.items };
  let reply: string;
  try {
    try {
      reply = await runAgent(context, text, turnLog);
    } catch (err) {
      if (failureType(err) !== ModelFailureType.contextTooLong) throw err;
      reply = patched(CONTEXT_TOO_LONG_PATCH)
        ? await trimAndRunAgain(context, text, turnLog, start, err)
        : endTurnOnContextTooLong(err);
    }
  } catch (err) {
    reply = `Sorry, I could not finish this turn: ${describeFailure(err)}`;
    log.warn('turn failed', { turn, error: describeFailure(err) });
    const assistant: AgentInputItem = {
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: reply }],
    };
    await memory.clearSession();
    await memory.addItems([...start.items, { role: 'user', content: text }, assistant]);
  }
  transcript.add({ kind: 'assistant', turn, text: reply, at: now(), toolCalls: turnLog.calls });
  return { turn, reply, toolCalls: turnLog.calls, notices: turnLog.notices };
}

/** The agent's run of this turn, through its approvals, to its answer; throws what the model's retries did not mend. */
async function runAgent(
  { input, state, runner, agentTracing, tools, memory }: TurnContext,
  text: string,
  turnLog: TurnLog,
): Promise<string> {
  const agent = buildAgent({ model: input.model, state, tools, turnLog });
  const options = {
    session: memory,
    maxTurns: MAX_AGENT_TURNS,
    ...(agentTracing ? {} : { runConfig: { tracingDisabled: true } }),
  };
  let result = await runner.run(agent, text, options);
  // Calls that need approval stop the run (its interruptions); the person answers, and the same run resumes from
  // its RunState: an approved call runs once, a rejected one is told to the model.
  while (result.interruptions?.length) {
    const state = result.state;
    await Promise.all(
      result.interruptions.map(async (item) => {
        const call = item.rawItem as { name?: string; arguments?: string; callId?: string };
        const name = item.toolName ?? call.name ?? 'a tool';
        const question = tools.approvalRequest(name, call.arguments);
        const outcome = await tools.approvals.ask(question);
        if (call.callId) tools.decided(call.callId, outcome);
        if (outcome.approved) state.approve(item);
        else {
          const refusal = notApprovedText(name, outcome);
          turnLog.record(
            { tool: name, server: question.server, arguments: question.arguments },
            { ok: false, text: refusal },
          );
          state.reject(item, { message: refusal });
        }
      }),
    );
    result = await runner.run(agent, state, options);
  }
  return String(result.finalOutput ?? '').trim() || '(the model returned no answer)';
}

/**
 * The provider found the context too long (CONTEXT_TOO_LONG_PATCH): the context policy trims the memory this turn
 * started from to about half (`fitTighter`; the summary strategy digests what it drops), and the turn runs once more
 * on it, with the agent's instructions rebuilt (the summary is in them). A second failure ends the turn. When a tool
 * already ran in this turn, a second run would call it again: the turn ends, and the trim serves the turns to come.
 * `start.items` becomes the trimmed memory, which a failed turn is recorded on.
 */
async function trimAndRunAgain(
  context: TurnContext,
  text: string,
  turnLog: TurnLog,
  start: { items: AgentInputItem[] },
  err: unknown,
): Promise<string> {
  const { input, state, memory } = context;
  const trimmed = fitTighter(start.items, input.context, state.summary, { role: 'user', content: text });
  if (trimmed.droppedTurns === 0) throw err;
  start.items = trimmed.items;
  state.summary = trimmed.summary;
  await memory.clearSession();
  await memory.addItems(trimmed.items);
  const dropped = `The model found the conversation too long: ${trimmed.droppedTurns} earlier turn(s) were dropped`;
  if (turnLog.calls.length > 0) {
    turnLog.notice(`${dropped}; this turn's tools had already run, so it was not asked again.`);
    throw err;
  }
  turnLog.notice(`${dropped} and it was asked again.`);
  return runAgent(context, text, turnLog);
}

/**
 * Before CONTEXT_TOO_LONG_PATCH: a context-too-long failure ended the turn like any other (the model activity had
 * already dropped the older half of that request and asked once more inside itself).
 */
function endTurnOnContextTooLong(err: unknown): never {
  throw err;
}
