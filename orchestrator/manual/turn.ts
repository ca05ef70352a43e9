/**
 * One user turn of the manual loop, written out: the history fitted to the context policy, then plan → run the tools
 * → append their results → plan again, until the model answers or the turn's step bound is reached. The history is
 * the workflow's own (`state.items`, carried across continue-as-new), appended here item by item; no SDK runner sits
 * between the loop and it. Workflow code: every model call and tool call is an activity.
 */
import type { AgentInputItem } from '@openai/agents-core';
import { log, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import { ModelFailureType } from '../../shared/providers';
import { describeFailure, failureType } from '../../shared/temporal/failures';
import type { OrchestratorActivities } from '../contract/activities';
import { instructions, localTools } from '../agent';
import { fitTighter, fitToContext } from '../context-window';
import {
  OFFLINE_MODEL_NAME,
  type ConversationInput,
  type ConversationState,
  type ModelCallPolicy,
  type TurnReply,
} from '../contract/conversation';
import type { ToolBridge } from '../tool-bridge';
import { now, TurnLog, type Transcript } from '../transcript';
import type { ActionDecision, PlanRequest, ToolCallRequest } from '../contract/planning';

/** Planning calls in one user turn, when the conversation's input does not say (the Agents SDK loop's maxTurns). */
export const DEFAULT_MAX_STEPS_PER_TURN = 10;
/** The planning activity's policy, when the conversation's input does not say (the plugin's model-call policy). */
export const DEFAULT_MODEL_CALLS: ModelCallPolicy = { timeoutMs: 60_000, maxAttempts: 3 };

/** Asks the conversation's model for its next action; `summary` labels the activity in the history and Web UI. */
export type PlanNextAction = (request: PlanRequest, summary: string) => Promise<ActionDecision>;

export interface ManualTurnContext {
  input: ConversationInput;
  state: ConversationState;
  tools: ToolBridge;
  transcript: Transcript;
  plan: PlanNextAction;
}

export function planNextActionFor(input: Pick<ConversationInput, 'model' | 'modelCalls'>): PlanNextAction {
  const { timeoutMs, maxAttempts } = input.modelCalls ?? DEFAULT_MODEL_CALLS;
  const options = {
    startToCloseTimeout: timeoutMs,
    retry: {
      maximumAttempts: maxAttempts,
      initialInterval: '1 second',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [ModelFailureType.notConfigured, ModelFailureType.requestRejected],
    },
  } satisfies ActivityOptions;
  // The offline model is pure CPU (milliseconds, no I/O): a local activity, inside the workflow task that asks for it
  // (patches.ts, LOCAL_PLANNER_PATCH, has the measurement). A remote model does network I/O and is scheduled.
  if (input.model === OFFLINE_MODEL_NAME) {
    const { planNextAction } = proxyLocalActivities<OrchestratorActivities>(options);
    return (request, summary) => planNextAction.executeWithOptions({ ...options, summary }, [request]);
  }
  const { planNextAction } = proxyActivities<OrchestratorActivities>(options);
  return (request, summary) => planNextAction.executeWithOptions({ ...options, summary }, [request]);
}

export async function runManualTurn(context: ManualTurnContext, text: string): Promise<TurnReply> {
  const { input, state, tools, transcript } = context;
  const turn = ++state.turns;
  const turnLog = new TurnLog(transcript);
  transcript.add({ kind: 'user', turn, text, at: now() });
  await tools.discover(turnLog);

  const question: AgentInputItem = { role: 'user', content: text };
  const fitted = fitToContext(state.items, input.context, state.summary, question);
  if (fitted.droppedTurns > 0) {
    state.items = fitted.items;
    state.summary = fitted.summary;
    const how = input.context.strategy === 'summary' ? 'summarised' : "dropped from the model's context";
    const budget = `${input.context.maxTurns} turns / ~${input.context.maxTokens} tokens`;
    turnLog.notice(`${fitted.droppedTurns} earlier turn(s) were ${how} to stay within ${budget}.`);
  }

  const before = state.items;
  state.items = [...before, question];
  let reply: string;
  try {
    reply = await planAndAct(context, turnLog);
  } catch (err) {
    // The model failed after its retries: an honest reply, and the history keeps the question and that reply only.
    reply = `Sorry, I could not finish this turn: ${describeFailure(err)}`;
    log.warn('turn failed', { turn, error: describeFailure(err) });
    state.items = [...before, question, assistantMessage(reply)];
  }
  transcript.add({ kind: 'assistant', turn, text: reply, at: now(), toolCalls: turnLog.calls });
  return { turn, reply, toolCalls: turnLog.calls, notices: turnLog.notices };
}

/** The loop itself: plan, act, append, until an answer or the step bound. */
async function planAndAct({ input, state, tools, plan }: ManualTurnContext, turnLog: TurnLog): Promise<string> {
  const maxSteps = input.maxStepsPerTurn ?? DEFAULT_MAX_STEPS_PER_TURN;
  let trimmedOnce = false;
  for (let step = 1; step <= maxSteps; step++) {
    const request: PlanRequest = {
      model: input.model,
      instructions: instructions(state),
      history: state.items,
      tools: tools.toolSchemas(localTools),
    };
    let decision: ActionDecision;
    try {
      decision = await plan(request, `plan next action (step ${step})`);
    } catch (err) {
      // The provider found the context too long: the conversation's policy trims it harder, and the step asks once more.
      if (trimmedOnce || failureType(err) !== ModelFailureType.contextTooLong) throw err;
      trimmedOnce = true;
      const dropped = trimForRetry(input, state);
      if (dropped === 0) throw err;
      turnLog.notice(
        `The model found the conversation too long: ${dropped} earlier turn(s) were dropped and it was asked again.`,
      );
      step--;
      continue;
    }
    if (decision.kind === 'answer') {
      const text = decision.text.trim() || '(the model returned no answer)';
      state.items.push(assistantMessage(text));
      return text;
    }
    if (decision.text) state.items.push(assistantMessage(decision.text));
    state.items.push(...decision.calls.map(functionCall));
    // The calls of one step run side by side, as the Agents SDK runs them; each result goes back under its call's id.
    const outputs = await Promise.all(
      decision.calls.map((call) => tools.callTool(call.name, call.arguments, turnLog, localTools)),
    );
    state.items.push(...decision.calls.map((call, n) => functionResult(call, outputs[n] ?? '')));
  }
  const lastTools = [...new Set(turnLog.calls.slice(-3).map((c) => c.tool))].join(', ');
  const text =
    `I stopped before answering: this turn reached its limit of ${maxSteps} planning steps and the model was still asking for tools` +
    `${lastTools ? ` (most recently ${lastTools})` : ''}. The tool calls it made are listed below; ask again, more narrowly, to go on.`;
  state.items.push(assistantMessage(text));
  return text;
}

/**
 * Drops earlier turns until the context is about half its estimated size (context-window.ts, `fitTighter`; the
 * current turn always stays). Only a `ModelContextTooLong` failure, a type no earlier worker reported, leads here, so
 * histories recorded before this code replay as they were.
 */
function trimForRetry(input: ConversationInput, state: ConversationState): number {
  const incoming = state.items.at(-1);
  if (!incoming) return 0;
  const fitted = fitTighter(state.items.slice(0, -1), input.context, state.summary, incoming);
  if (fitted.droppedTurns === 0) return 0;
  state.items = [...fitted.items, incoming];
  state.summary = fitted.summary;
  return fitted.droppedTurns;
}

function assistantMessage(text: string): AgentInputItem {
  return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] };
}

function functionCall(call: ToolCallRequest): AgentInputItem {
  return {
    type: 'function_call',
    callId: call.id,
    name: call.name,
    arguments: JSON.stringify(call.arguments),
    status: 'completed',
  };
}

function functionResult(call: ToolCallRequest, text: string): AgentInputItem {
  return {
    type: 'function_call_result',
    callId: call.id,
    name: call.name,
    status: 'completed',
    output: { type: 'text', text },
  };
}
