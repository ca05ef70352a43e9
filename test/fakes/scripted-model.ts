/**
 * A scripted Agents SDK model for workflow tests: it answers from a queue of canned responses and records every
 * request it was given, so tests can assert routing (which tool with which arguments) and memory (what the model saw).
 */
import {
  Usage,
  type AgentOutputItem,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
} from '@openai/agents-core';

export type Scripted = ModelResponse | ((request: ModelRequest) => ModelResponse);

export class ScriptedModel implements Model {
  readonly requests: ModelRequest[] = [];
  private readonly queue: Scripted[] = [];

  push(...responses: Scripted[]): void {
    this.queue.push(...responses);
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const next = this.queue.shift();
    if (!next) throw new Error(`ScriptedModel: no response queued for request ${this.requests.length}`);
    return typeof next === 'function' ? next(request) : next;
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<StreamEvent> {
    throw new Error('ScriptedModel does not stream');
  }
}

export class ScriptedModelProvider implements ModelProvider {
  readonly model = new ScriptedModel();
  readonly modelNames: (string | undefined)[] = [];
  getModel(name?: string): Model {
    this.modelNames.push(name);
    return this.model;
  }
}

const usage = () => new Usage({ requests: 1, inputTokens: 10, outputTokens: 10, totalTokens: 20 });

export function say(text: string): ModelResponse {
  const output: AgentOutputItem[] = [
    { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] },
  ];
  return { output, usage: usage() };
}

let calls = 0;
export function callTool(name: string, args: Record<string, unknown>): ModelResponse {
  calls += 1;
  const output: AgentOutputItem[] = [
    {
      type: 'function_call',
      callId: `call_${calls}_${name}`,
      name,
      arguments: JSON.stringify(args),
      status: 'completed',
    },
  ];
  return { output, usage: usage() };
}

/** Text of every user message and tool output the model was shown in a request. */
export function seenTexts(request: ModelRequest): string[] {
  if (typeof request.input === 'string') return [request.input];
  return request.input.flatMap((item) => {
    const i = item as { role?: string; type?: string; content?: unknown; output?: unknown };
    if (i.role === 'user') return [typeof i.content === 'string' ? i.content : JSON.stringify(i.content)];
    if (i.type === 'function_call_result') {
      const output = i.output as string | { text?: string };
      return [typeof output === 'string' ? output : (output.text ?? JSON.stringify(output))];
    }
    if (i.role === 'assistant') return [JSON.stringify(i.content)];
    return [];
  });
}
