/**
 * The `offline` model: a deterministic stand-in for an LLM, so that everything runs without one. A planner that
 * implements the Agents SDK `Model` interface (README.md beside this file says what it understands and what not).
 *
 * Each call looks at the latest user message. If results of tool calls made since then are in the input, it ANSWERS
 * from them; otherwise it PLANS: picks tool call(s) by matching the user's words against the tools' names,
 * descriptions and JSON schemas, or says plainly that it cannot help. Pure: the same request always gets the same
 * response (no clock, no randomness, no I/O), which also makes it safe to retry as a Temporal activity.
 */
import { Usage } from '@openai/agents-core';
import type {
  AgentOutputItem,
  Model,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  SerializedTool,
  StreamEvent,
} from '@openai/agents-core';
import { cannotHelp, composeAnswer } from './planner/answer';
import { readConversation } from './planner/conversation';
import { Planner, type PlannedCall } from './planner/plan';
import { toolSpecs } from './planner/tool-spec';
import { OFFLINE_MODEL_NAME } from './name';

export { OFFLINE_MODEL_NAME };

export type OfflinePhase = 'plan' | 'answer' | 'cannot-help';

const EXAMPLES_IN_HELP = 2;
/** Tool sets whose planners are kept: a conversation offers one set per catalog, and a worker serves a few catalogs. */
const PLANNERS_KEPT = 16;

/**
 * Planners by the JSON of the tools they were built for. Building one (the tools' terms, their index, the vocabulary)
 * costs twice what a plan does, and a conversation offers the same tools on every call; the planner is read-only, so
 * one built for equal tools gives equal answers. Built from a copy of the JSON, so no caller's objects are kept.
 */
class PlannerCache {
  private readonly planners = new Map<string, Planner>();

  get(toolsJson: string): Planner {
    let planner = this.planners.get(toolsJson);
    if (planner) {
      this.planners.delete(toolsJson); // most recently used last, so the oldest goes first
    } else {
      planner = new Planner(toolSpecs(JSON.parse(toolsJson) as SerializedTool[]));
      if (this.planners.size >= PLANNERS_KEPT) this.planners.delete(this.planners.keys().next().value!);
    }
    this.planners.set(toolsJson, planner);
    return planner;
  }
}

export class OfflinePlannerModel implements Model {
  private readonly planners = new PlannerCache();

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return respond(request, this.planners);
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const response = respond(request, this.planners);
    yield { type: 'response_started' };
    for (const item of response.output) {
      if (item.type === 'message' && item.role === 'assistant') {
        for (const part of item.content)
          if (part.type === 'output_text') yield { type: 'output_text_delta', delta: part.text };
      }
    }
    const { usage } = response;
    yield {
      type: 'response_done',
      response: {
        id: `offline_${readConversation(request.input).itemCount}`,
        usage: {
          requests: usage.requests,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          totalTokens: usage.totalTokens,
        },
        output: response.output as Extract<StreamEvent, { type: 'response_done' }>['response']['output'],
        ...(response.providerData ? { providerData: response.providerData } : {}),
      },
    };
  }
}

/** Every model name resolves to the offline planner: this provider is only installed when no LLM is configured. */
export class OfflinePlannerProvider implements ModelProvider {
  private readonly model = new OfflinePlannerModel();

  getModel(_modelName?: string): Model {
    return this.model;
  }
}

function respond(request: ModelRequest, planners: PlannerCache): ModelResponse {
  const conversation = readConversation(request.input);
  const toolsJson = JSON.stringify(request.tools ?? []);
  let phase: OfflinePhase;
  let output: AgentOutputItem[];
  if (conversation.results.length > 0) {
    phase = 'answer';
    output = [assistantMessage(composeAnswer(conversation.results))];
  } else {
    const planner = planners.get(toolsJson);
    const calls = planner.plan(conversation.userText, conversation.previousCalls);
    if (calls.length > 0) {
      phase = 'plan';
      output = calls.map((call, n) => functionCall(call, conversation.itemCount, n));
    } else {
      phase = 'cannot-help';
      const closestMiss = planner.closestMiss(conversation.userText);
      const text = cannotHelp(planner.tools, {
        ...(request.systemInstructions !== undefined ? { systemInstructions: request.systemInstructions } : {}),
        examples: planner.examples(EXAMPLES_IN_HELP),
        ...(closestMiss ? { closestMiss } : {}),
      });
      output = [assistantMessage(text)];
    }
  }
  return {
    usage: estimateUsage(request, toolsJson.length, output),
    output,
    providerData: { model: OFFLINE_MODEL_NAME, phase },
  };
}

function functionCall(call: PlannedCall, itemCount: number, n: number): AgentOutputItem {
  return {
    type: 'function_call',
    callId: `call_${itemCount}_${n}_${call.name}`,
    name: call.name,
    arguments: JSON.stringify(call.args),
    status: 'completed',
  };
}

function assistantMessage(text: string): AgentOutputItem {
  return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] };
}

/** Rough token counts (characters / 4), so usage reporting has something sensible to add up. */
function estimateUsage(request: ModelRequest, toolsChars: number, output: AgentOutputItem[]): Usage {
  const inputChars = (request.systemInstructions?.length ?? 0) + JSON.stringify(request.input).length + toolsChars;
  const inputTokens = Math.ceil(inputChars / 4);
  const outputTokens = Math.ceil(JSON.stringify(output).length / 4);
  return new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });
}
