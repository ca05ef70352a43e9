/**
 * The orchestrator worker's MCP clients: the official SDK v2 client over streamable HTTP, pinned to MCP 2026-07-28,
 * one per server, on one pooled keep-alive undici agent shared by every activity in this process.
 *
 * 2026-07-28 has no protocol sessions: after one `server/discover` when a client first connects, every call is one
 * self-contained HTTP request (protocol version and client capabilities ride in its `_meta`), so any worker can make
 * any call. State that outlives a call (the IT session) is a handle passed as a tool argument, kept by the workflow.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  Client,
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  isInputRequiredResult,
  type CallToolResult,
  type FetchLike,
  type InputRequiredResult,
  type Tool,
} from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import { randomUUID } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { traceMcpClientRequest } from '../../shared/telemetry/mcp';

export const orchestratorClientInfo = { name: 'durable-mcp-agents-orchestrator', version: '0.1.0' };
import { MODERN_PROTOCOL_VERSION as MCP_PROTOCOL_VERSION, modernRequest } from '../../shared/mcp/modern-request';

/** The MCP tasks extension of 2026-07-28. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export { MCP_PROTOCOL_VERSION };

/** What went wrong reaching a server, classified for retries: unreachable is worth one, a refusal is not. */
export class McpCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'rejected',
  ) {
    super(message);
  }
}

export interface McpClientPoolOptions {
  servers: Record<string, string>;
  /** Bounds one MCP request (the activity's own timeout bounds the whole call). */
  requestTimeoutMs: number;
  /** The orchestrator's own bearer token, sent on every request. */
  token?: string;
}

/** A server's tool list with the freshness it was served with (`ttlMs` absent or 0: stale at once). */
export interface ToolList {
  tools: Tool[];
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
}

export class McpClientPool {
  private readonly agent: Agent;
  private readonly fetch: FetchLike;
  private readonly clients = new Map<string, Promise<Client>>();
  /** Tools as this pool last listed them, by server and name: what a call's result is checked against. */
  private readonly listed = new Map<string, Map<string, Tool>>();
  /** HTTP requests this pool has sent (for tests and the benchmark: proof of one request per call). */
  requestsSent = 0;

  constructor(private readonly opts: McpClientPoolOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: 16,
      connectTimeout: Math.min(opts.requestTimeoutMs, 10_000),
    });
    this.fetch = (url, init) => {
      this.requestsSent += 1;
      // undici's fetch and the DOM RequestInit/Response types differ only nominally.
      return undiciFetch(url as string, {
        ...(init as object),
        dispatcher: this.agent,
      }) as unknown as Promise<Response>;
    };
  }

  url(server: string): string {
    const url = this.opts.servers[server];
    if (!url) throw new McpCallError(`no MCP server named ${JSON.stringify(server)} is configured`, 'rejected');
    return url;
  }

  /** Always asks the server: the caller keeps the list for as long as `ttlMs` allows (see the workflow's catalog). */
  async listTools(server: string): Promise<ToolList> {
    const op = { method: 'tools/list', protocolVersion: MCP_PROTOCOL_VERSION, serverUrl: this.url(server) };
    return traceMcpClientRequest(op, (traceMeta) =>
      this.withClient(server, async (client) => {
        // 'refresh' still writes the client's own copy, which callTool uses to check structured output.
        const params = Object.keys(traceMeta).length ? { _meta: traceMeta } : undefined;
        const result = await client.listTools(params, { timeout: this.opts.requestTimeoutMs, cacheMode: 'refresh' });
        this.listed.set(server, new Map(result.tools.map((t) => [t.name, t])));
        // Cache hints pass through the SDK's loose result schema untyped.
        const { ttlMs, cacheScope } = result as { ttlMs?: unknown; cacheScope?: unknown };
        return {
          tools: result.tools,
          ...(typeof ttlMs === 'number' ? { ttlMs } : {}),
          ...(cacheScope === 'public' || cacheScope === 'private' ? { cacheScope } : {}),
        };
      }),
    );
  }

  /**
   * One `tools/call`. A server that needs the user's input first (2026-07-28 `input_required`, for example an
   * approval) gets no automatic answer: its request comes back as it is, and the caller retries with `resume` once a
   * person has answered (the workflow asks, durably).
   */
  async callToolOrAsk(
    server: string,
    call: {
      name: string;
      arguments: Record<string, unknown>;
      idempotencyKey?: string;
      onBehalfOf?: string;
      resume?: { inputResponses: Record<string, unknown>; requestState?: string };
    },
  ): Promise<CallToolResult | InputRequiredResult> {
    const op = {
      method: 'tools/call',
      tool: call.name,
      protocolVersion: MCP_PROTOCOL_VERSION,
      serverUrl: this.url(server),
      // On the span only with content capture on, redacted (the idempotency key travels in _meta, never recorded).
      toolArguments: call.arguments,
    };
    // The CLIENT span covers connecting too (a first call's server/discover) and ends as the call is classified.
    return traceMcpClientRequest(
      op,
      (traceMeta) =>
        this.withClient(server, async (client) => {
          const listed = this.listed.get(server)?.get(call.name);
          const result = (await client.callTool(
            {
              name: call.name,
              arguments: call.arguments,
              _meta: {
                ...traceMeta,
                ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey } : {}),
                ...(call.onBehalfOf ? { onBehalfOf: call.onBehalfOf } : {}),
              },
              ...(call.resume
                ? {
                    inputResponses: call.resume.inputResponses,
                    ...(call.resume.requestState !== undefined ? { requestState: call.resume.requestState } : {}),
                  }
                : {}),
            } as Parameters<Client['callTool']>[0],
            {
              timeout: this.opts.requestTimeoutMs,
              allowInputRequired: true,
              // The SDK checks a listed tool's output schema on every result, an input_required one too, which has
              // no structured content by design and would be refused: it gets the definition without the schema,
              // and the result is checked here once it is known to be a tool result.
              ...(listed ? { toolDefinition: withoutOutputSchema(listed) } : {}),
            },
          )) as CallToolResult | InputRequiredResult;
          if (listed && !isInputRequiredResult(result)) checkStructuredOutput(listed, result);
          return result;
        }),
      (result) => !isInputRequiredResult(result) && result.isError === true,
    );
  }

  /** A call that must not ask anything (closing a session, tests): a server that asks anyway is a refusal. */
  async callTool(
    server: string,
    call: { name: string; arguments: Record<string, unknown>; idempotencyKey?: string; onBehalfOf?: string },
  ): Promise<CallToolResult> {
    const result = await this.callToolOrAsk(server, call);
    if (isInputRequiredResult(result))
      throw new McpCallError(`the ${server} MCP server asks for input before ${call.name} can run`, 'rejected');
    return result;
  }

  /**
   * A long-running tool as an MCP task (the `io.modelcontextprotocol/tasks` extension, declared on this request only,
   * so quick tools stay plain calls): the server answers with a task at once. The SDK v2 client has no runtime for
   * the extension, so this is the extension's wire request, on the same agent and token. The same idempotency key
   * names the same task, so a retried start does not start a second one.
   */
  async startToolTask(
    server: string,
    call: { name: string; arguments: Record<string, unknown>; idempotencyKey?: string; onBehalfOf?: string },
  ): Promise<{ taskId: string; pollIntervalMs?: number }> {
    const result = await this.extensionRequest(server, 'tools/call', {
      name: call.name,
      arguments: call.arguments,
      _meta: {
        ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey } : {}),
        ...(call.onBehalfOf ? { onBehalfOf: call.onBehalfOf } : {}),
      },
    });
    if (result.resultType !== 'task' || typeof result.taskId !== 'string') {
      throw new McpCallError(`the ${server} MCP server ran ${call.name} as a plain call, not as a task`, 'rejected');
    }
    return {
      taskId: result.taskId,
      ...(typeof result.pollIntervalMs === 'number' ? { pollIntervalMs: result.pollIntervalMs } : {}),
    };
  }

  /** One `tasks/get`: the task's status, and its tool result once it has one. */
  async getToolTask(
    server: string,
    taskId: string,
  ): Promise<{ status: string; statusMessage?: string; pollIntervalMs?: number; result?: CallToolResult }> {
    const result = await this.extensionRequest(server, 'tasks/get', { taskId }, { 'mcp-name': taskId });
    return result as { status: string; statusMessage?: string; pollIntervalMs?: number; result?: CallToolResult };
  }

  private async extensionRequest(
    server: string,
    method: string,
    params: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Record<string, any>> {
    const url = this.url(server);
    const meta = {
      ...(params._meta as object),
      [CLIENT_CAPABILITIES_META_KEY]: { extensions: { [TASKS_EXTENSION]: {} } },
    };
    const request = modernRequest(method, { ...params, _meta: meta }, randomUUID(), orchestratorClientInfo.name);
    const token = this.opts.token;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { ...request.headers, ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
      });
    } catch (err) {
      throw new McpCallError(
        `the ${server} MCP server is unreachable at ${url}: ${(err as Error).message}`,
        'unreachable',
      );
    }
    if (response.status >= 500)
      throw new McpCallError(`the ${server} MCP server failed: HTTP ${response.status} from ${url}`, 'unreachable');
    const text = await response.text();
    let body: { result?: Record<string, any>; error?: { message?: string } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!response.ok || !body?.result) {
      const why = body?.error?.message ?? `HTTP ${response.status}`;
      throw new McpCallError(`the ${server} MCP server refused ${method}: ${why}`, 'rejected');
    }
    return body.result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((server) => this.drop(server)));
    await this.agent.close();
  }

  private async withClient<T>(server: string, use: (client: Client) => Promise<T>): Promise<T> {
    let connecting = this.clients.get(server);
    if (!connecting) {
      connecting = this.connect(server);
      this.clients.set(server, connecting);
    }
    let client: Client;
    try {
      client = await connecting;
    } catch (err) {
      if (this.clients.get(server) === connecting) this.clients.delete(server);
      throw this.classify(server, err);
    }
    try {
      return await use(client);
    } catch (err) {
      const classified = this.classify(server, err);
      // Unreachable: discover again on the next call, in case what answers there now is another deployment.
      if (classified.kind === 'unreachable' && this.clients.get(server) === connecting) await this.drop(server);
      throw classified;
    }
  }

  private async connect(server: string): Promise<Client> {
    const token = this.opts.token;
    const transport = new StreamableHTTPClientTransport(new URL(this.url(server)), {
      fetch: this.fetch,
      ...(token ? { authProvider: { token: async () => token } } : {}),
    });
    // Pinned: one server/discover at connect, never initialize, and a server that cannot speak 2026-07-28 fails loudly.
    // Elicitation is declared so a server may ask (an approval); the workflow answers, never this client by itself.
    const client = new Client(orchestratorClientInfo, {
      versionNegotiation: { mode: { pin: MCP_PROTOCOL_VERSION } },
      capabilities: { elicitation: { form: {} } },
      inputRequired: { autoFulfill: false },
    });
    await client.connect(transport, { timeout: this.opts.requestTimeoutMs });
    return client;
  }

  private async drop(server: string): Promise<void> {
    const client = this.clients.get(server);
    this.clients.delete(server);
    await client?.then((c) => c.close()).catch(() => undefined);
  }

  private classify(server: string, err: unknown): McpCallError {
    if (err instanceof McpCallError) return err;
    const url = this.opts.servers[server];
    if (err instanceof SdkHttpError) {
      if (err.status >= 500)
        return new McpCallError(`the ${server} MCP server failed: HTTP ${err.status} from ${url}`, 'unreachable');
      return new McpCallError(
        `the ${server} MCP server refused the request (HTTP ${err.status}): ${err.message}`,
        'rejected',
      );
    }
    if (err instanceof UnauthorizedError)
      return new McpCallError(
        `the ${server} MCP server refused the orchestrator's credentials: ${err.message}`,
        'rejected',
      );
    // A JSON-RPC error answer: the server is up and said no.
    if (err instanceof ProtocolError)
      return new McpCallError(`the ${server} MCP server answered an error: ${err.message}`, 'rejected');
    if (err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout) {
      return new McpCallError(
        `the ${server} MCP server did not answer within ${this.opts.requestTimeoutMs} ms (${url})`,
        'unreachable',
      );
    }
    const reason = networkReason(err);
    if (reason) return new McpCallError(`the ${server} MCP server is unreachable at ${url}: ${reason}`, 'unreachable');
    // Anything else the SDK raises locally (a pinned version the server does not offer, an invalid result) will not
    // change on a retry.
    return new McpCallError(
      `the ${server} MCP server could not be used: ${err instanceof Error ? err.message : String(err)}`,
      'rejected',
    );
  }
}

/** The socket-level reason (ECONNREFUSED, …) somewhere in a fetch failure's cause chain, if it is one. */
function networkReason(err: unknown): string | undefined {
  let fetchFailed = false;
  for (
    let cur = err as { message?: string; code?: unknown; cause?: unknown } | undefined, depth = 0;
    cur && depth < 6;
    cur = cur.cause as typeof cur, depth++
  ) {
    if (typeof cur.code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(cur.code)) return cur.code;
    if (cur.message === 'fetch failed' || cur.message === 'terminated' || cur.code === SdkErrorCode.ConnectionClosed)
      fetchFailed = true;
  }
  return fetchFailed ? 'the connection failed' : undefined;
}

function withoutOutputSchema(tool: Tool): Tool {
  const copy = { ...tool };
  delete copy.outputSchema;
  return copy;
}

/** Compiled output schemas, by the listed tool they belong to (a new listing compiles anew). */
const outputValidators = new WeakMap<Tool, ReturnType<AjvJsonSchemaValidator['getValidator']>>();
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/** What the SDK's callTool checks of a listed tool's result with an output schema, with the same errors. */
function checkStructuredOutput(tool: Tool, result: CallToolResult): void {
  if (!tool.outputSchema || result.isError) return;
  if (result.structuredContent === undefined)
    throw new ProtocolError(
      ProtocolErrorCode.InvalidRequest,
      `Tool ${tool.name} has an output schema but did not return structured content`,
    );
  let validate = outputValidators.get(tool);
  if (!validate) {
    validate = jsonSchemaValidator.getValidator(
      tool.outputSchema as Parameters<typeof jsonSchemaValidator.getValidator>[0],
    );
    outputValidators.set(tool, validate);
  }
  const checked = validate(result.structuredContent);
  if (!checked.valid)
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Structured content does not match the tool's output schema: ${checked.errorMessage}`,
    );
}
