/**
 * The orchestrator worker's MCP clients: the official SDK client over streamable HTTP, on one pooled keep-alive
 * undici agent, connected once and reused by every activity in this process (not a new connection per call).
 *
 * A stateless server (finance) gets one client. A stateful one (IT) gets one client per MCP session: a session
 * another process opened is re-attached by its id, without a new initialize, so a restarted worker carries on.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';

export const orchestratorClientInfo = { name: 'durable-mcp-agents-orchestrator', version: '0.1.0' };

/** What went wrong reaching a server, classified for retries: unreachable is worth one, a refusal is not. */
export class McpCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'session-not-found' | 'rejected',
  ) {
    super(message);
  }
}

export interface McpClientPoolOptions {
  servers: Record<string, string>;
  /** Bounds one MCP request (the activity's own timeout bounds the whole call). */
  requestTimeoutMs: number;
  /** Most clients kept; the least recently used is closed beyond it (one per live IT session). */
  maxClients?: number;
  /** The orchestrator's own bearer token, sent on every request. */
  token?: string;
}

interface PooledClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
}

export class McpClientPool {
  private readonly agent: Agent;
  private readonly fetch: FetchLike;
  private readonly clients = new Map<string, Promise<PooledClient>>();
  private readonly maxClients: number;
  /** HTTP requests this pool has sent (for tests and the benchmark: proof that connections are reused). */
  requestsSent = 0;

  constructor(private readonly opts: McpClientPoolOptions) {
    this.maxClients = opts.maxClients ?? 256;
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 16, connectTimeout: Math.min(opts.requestTimeoutMs, 10_000) });
    this.fetch = (url, init) => {
      this.requestsSent += 1;
      // undici's fetch and the DOM RequestInit/Response types differ only nominally.
      return undiciFetch(url as string, { ...(init as object), dispatcher: this.agent }) as unknown as Promise<Response>;
    };
  }

  url(server: string): string {
    const url = this.opts.servers[server];
    if (!url) throw new McpCallError(`no MCP server named ${JSON.stringify(server)} is configured`, 'rejected');
    return url;
  }

  /**
   * Connects with a fresh initialize. A stateful server answers with an Mcp-Session-Id, which is returned and names
   * the client from then on; a stateless server issues none and its client is shared by every call.
   */
  async connectFresh(server: string): Promise<string | undefined> {
    let pooled: PooledClient;
    try {
      pooled = await this.connect(server, undefined, true);
    } catch (err) {
      throw this.classify(server, err);
    }
    const sessionId = pooled.transport.sessionId;
    const key = this.key(server, sessionId);
    if (this.clients.has(key)) await pooled.client.close().catch(() => undefined);
    else this.remember(key, Promise.resolve(pooled));
    return sessionId;
  }

  async listTools(server: string, sessionId?: string): Promise<Tool[]> {
    return this.withClient(server, sessionId, async (client) => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: this.opts.requestTimeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    });
  }

  async callTool(
    server: string,
    call: { name: string; arguments: Record<string, unknown>; idempotencyKey?: string; onBehalfOf?: string },
    sessionId?: string,
  ): Promise<CallToolResult> {
    return this.withClient(server, sessionId, async (client) => {
      const result = await client.callTool(
        {
          name: call.name,
          arguments: call.arguments,
          _meta: {
            ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey } : {}),
            ...(call.onBehalfOf ? { onBehalfOf: call.onBehalfOf } : {}),
          },
        },
        undefined,
        { timeout: this.opts.requestTimeoutMs },
      );
      return result as CallToolResult;
    });
  }

  /** DELETE the session on the server (ends the IT session workflow). */
  async closeSession(server: string, sessionId: string): Promise<void> {
    await this.withClient(server, sessionId, async (_client, pooled) => pooled.transport.terminateSession());
    await this.drop(this.key(server, sessionId));
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((key) => this.drop(key)));
    await this.agent.close();
  }

  private key(server: string, sessionId?: string): string {
    return `${server}\u0000${sessionId ?? ''}`;
  }

  private async withClient<T>(server: string, sessionId: string | undefined, use: (client: Client, pooled: PooledClient) => Promise<T>): Promise<T> {
    const key = this.key(server, sessionId);
    let pooled: PooledClient;
    try {
      let connecting = this.clients.get(key);
      if (!connecting) {
        connecting = this.connect(server, sessionId, false);
        this.remember(key, connecting);
      } else {
        // Most recently used goes last, so eviction takes the coldest.
        this.clients.delete(key);
        this.clients.set(key, connecting);
      }
      pooled = await connecting;
    } catch (err) {
      this.clients.delete(key);
      throw this.classify(server, err);
    }
    try {
      return await use(pooled.client, pooled);
    } catch (err) {
      const classified = this.classify(server, err);
      // A broken connection or an ended session: the next call starts clean.
      if (classified.kind !== 'rejected') await this.drop(key);
      throw classified;
    }
  }

  private async connect(server: string, sessionId: string | undefined, fresh: boolean): Promise<PooledClient> {
    const transport = new StreamableHTTPClientTransport(new URL(this.url(server)), {
      fetch: this.fetch,
      sessionId: fresh ? undefined : sessionId,
      ...(this.opts.token ? { requestInit: { headers: { authorization: `Bearer ${this.opts.token}` } } } : {}),
    });
    const client = new Client(orchestratorClientInfo);
    // Re-attaching to an existing session skips initialize; say which protocol we speak, as initialize would have.
    if (!fresh && sessionId) transport.setProtocolVersion(LATEST_PROTOCOL_VERSION);
    await client.connect(transport, { timeout: this.opts.requestTimeoutMs });
    return { client, transport };
  }

  private remember(key: string, client: Promise<PooledClient>): void {
    this.clients.set(key, client);
    while (this.clients.size > this.maxClients) {
      const oldest = this.clients.keys().next().value as string;
      void this.drop(oldest);
    }
  }

  private async drop(key: string): Promise<void> {
    const pooled = this.clients.get(key);
    this.clients.delete(key);
    // close() only ends the client side; it never deletes the server's session.
    await pooled?.then((p) => p.client.close()).catch(() => undefined);
  }

  private classify(server: string, err: unknown): McpCallError {
    if (err instanceof McpCallError) return err;
    const url = this.opts.servers[server];
    if (err instanceof StreamableHTTPError && err.code !== undefined && err.code > 0) {
      if (err.code === 404) return new McpCallError(`the ${server} MCP session is gone (HTTP 404 from ${url})`, 'session-not-found');
      if (err.code >= 500) return new McpCallError(`the ${server} MCP server failed: HTTP ${err.code} from ${url}`, 'unreachable');
      return new McpCallError(`the ${server} MCP server refused the request: ${err.message}`, 'rejected');
    }
    const e = err as { message?: string; cause?: { code?: string; message?: string }; code?: number };
    // McpError (a JSON-RPC error answer): the server is up and said no.
    if (typeof e.code === 'number' && e.code < 0 && e.code !== -32001) {
      return new McpCallError(`the ${server} MCP server answered an error: ${e.message}`, 'rejected');
    }
    const reason = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
    return new McpCallError(`the ${server} MCP server is unreachable at ${url}: ${reason}`, 'unreachable');
  }
}
