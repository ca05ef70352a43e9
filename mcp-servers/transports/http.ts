/**
 * Streamable HTTP for any of our MCP servers, written once, serving both protocol generations on one `/mcp`:
 *
 * - **2026-07-28** (the request carries the `_meta` envelope): the SDK's `createMcpHandler`, strict (`legacy:
 *   'reject'`). No sessions; state a call needs travels in its arguments as handles.
 * - **2025-era** (2025-11-25, 2025-06-18; classified by the SDK's own `isLegacyRequest`): our legacy leg. A stateful
 *   server passes `sessions`, and this module owns the Mcp-Session-Id lifecycle (issue on initialize, 400 without one,
 *   404 for unknown or ended ones, DELETE to end). The id is a handle like any other, kept in Temporal, so any replica
 *   serves any session and a restarted process keeps serving old ones.
 *
 * Every request gets a fresh McpServer from one factory, so no MCP state lives in this process and the two eras can
 * never drift apart. One exception: a 2025-era session whose client declared elicitation can be asked for an approval
 * mid-call, which needs the asking instance alive until the answer is posted back (./legacy-questions.ts).
 * DNS-rebinding checks, bearer auth and the Content-Type check come first, for both eras; a 2025-era session is opened
 * only once its initialize has passed every check and been answered.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  getOAuthProtectedResourceMetadataUrl,
  hostHeaderValidationResponse,
  isJsonContentType,
  isInitializeRequest,
  isLegacyRequest,
  localhostAllowedHostnames,
  PROTOCOL_VERSION_META_KEY,
  requireBearerAuth,
  SUPPORTED_PROTOCOL_VERSIONS,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type ClientCapabilities,
  type McpServer,
} from '@modelcontextprotocol/server';
import { idDigest } from '../../shared/caller-scope';
import type { Logger } from '../../shared/logger';
import { CallerLimitReached } from '../../shared/temporal/caller-limits';
import type { McpAuthConfig } from '../../shared/config';
import { contextOfHttpRequest } from '../../shared/telemetry/mcp';
import {
  callerOfToken,
  createTokenVerifier,
  protectedResourceMetadata,
  READ_SCOPE,
  scopeChallengeResponse,
  writeScopeChallenge,
} from './auth';
import { isAllowedOrigin, isLoopbackHost } from './origins';
import { isPostedResponse, LegacyQuestions } from './legacy-questions';

/** What a server instance serves: the protocol era, and (2025-era stateful servers, stdio) its default session. */
export interface McpServeContext {
  era: 'legacy' | 'modern';
  /** The session a call without an explicit handle uses: the Mcp-Session-Id, or the stdio process's session. */
  sessionId?: string;
  /** stdio only: the default session is re-opened when it has ended (the desktop client cannot re-initialize). */
  reopenDefaultSession?: boolean;
  /**
   * 2025-era HTTP: what the session's client declared at initialize, given only to the instance that may ask it
   * something on its response stream (./legacy-questions.ts).
   */
  clientCapabilities?: ClientCapabilities;
}

export type McpServerFactory = (context: McpServeContext) => McpServer;

/** The 2025-era session lifecycle of a stateful server; sessions are bound to the caller that opened them. */
export interface LegacySessionStore {
  /** Opens a new session for an initialize request; returns its id (a handle). */
  open(owner?: string): Promise<string>;
  /** Whether the id names a live session of this caller. */
  exists(sessionId: string, owner?: string): Promise<boolean>;
  /** Ends the caller's session; false when there was none. */
  close(sessionId: string, owner?: string): Promise<boolean>;
}

export interface McpHttpAuth {
  config: McpAuthConfig;
  /** The endpoint's public URL (the PRM `resource` and the default JWT audience); default: the URL it listens on. */
  resource?: string;
}

/**
 * What /healthz learns. A load balancer gets only `ok` and each check's verdict; `detail` (addresses, namespaces,
 * error text) is for the server's log, never the response, since /healthz answers without a token.
 */
export interface HealthReport {
  ok: boolean;
  checks?: Record<string, boolean>;
  detail?: Record<string, unknown>;
}

export interface McpHttpOptions {
  name: string;
  host: string;
  port: number;
  /** Origins allowed besides loopback ones. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  createServer: McpServerFactory;
  sessions?: LegacySessionStore;
  health(): Promise<HealthReport>;
  log: Logger;
  /** Bearer auth on /mcp; without it the server must be bound to loopback (the entry point enforces that). */
  auth?: McpHttpAuth;
}

const SESSION_HEADER = 'mcp-session-id';

/**
 * How a 2025-era session id appears in logs: a digest that correlates lines, never the id, which (with auth off, or
 * to the token's holder) is a working capability.
 */
export function sessionLogId(sessionId: string): string {
  return idDigest('mcp-session-log', sessionId);
}

/** A POST body read and parsed once per request (both eras and the classifier share it), or why it is none. */
const NOT_JSON = Symbol('not JSON');
type ParsedBody = unknown;

function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A JSON-RPC request or notification (not `initialize`, not a response) whose params carry the 2026-07-28 envelope
 * claim: the SDK's classifier sends every such message to its modern path (served there, or rejected there), never to
 * the 2025-era leg. The handler classifies it again anyway, and one classification costs ~0.15 ms (zod builds an
 * error for each shape it rules out), so this saves the second one on the modern path. Anything else asks the SDK.
 */
function claimsModernEnvelope(body: unknown): boolean {
  if (!isRecord(body) || 'result' in body || 'error' in body || body.method === 'initialize') return false;
  const meta = isRecord(body.params) ? body.params._meta : undefined;
  return isRecord(meta) && PROTOCOL_VERSION_META_KEY in meta;
}

/**
 * DNS-rebinding protection, for every path that answers a browser's page: on loopback only loopback Host names are
 * served, and a foreign Origin is refused. The refusal, or undefined to go on.
 */
function createRebindingGuard(opts: Pick<McpHttpOptions, 'host' | 'allowedOrigins'>) {
  const loopbackNames = localhostAllowedHostnames();
  const onLoopback = isLoopbackHost(opts.host);
  return (request: Request): Response | undefined => {
    const badHost = onLoopback ? hostHeaderValidationResponse(request, loopbackNames) : undefined;
    if (badHost) return badHost;
    const origin = request.headers.get('origin');
    if (origin !== null && !isAllowedOrigin(origin, opts.allowedOrigins))
      return jsonRpcError(403, -32000, `Forbidden: Origin ${origin} is not allowed`);
    return undefined;
  };
}

/**
 * The SDK checks MCP-Protocol-Version on every 2025-era request but initialize; an initialize naming a version it
 * does not speak is refused the same way (the body's protocolVersion is negotiated as the spec says).
 */
function unsupportedProtocolVersion(request: Request): Response | undefined {
  const version = request.headers.get('mcp-protocol-version');
  if (version === null || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  return jsonRpcError(
    400,
    -32000,
    `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
  );
}

/** The SDK answers an initialize with bad params as an internal error (-32603, a zod dump): say what it needs. */
function invalidInitialize(body: ParsedBody): Response | undefined {
  if (isInitializeRequest(body)) return undefined;
  return jsonRpcError(
    400,
    -32602,
    'Invalid params: initialize needs params.protocolVersion (a string), params.capabilities (an object) and params.clientInfo (name and version)',
  );
}

/** Whether a buffered JSON response is a JSON-RPC result (a refusal is an HTTP error or a JSON-RPC error). */
async function isJsonRpcResult(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  try {
    const json: unknown = await response.clone().json();
    return isRecord(json) && 'result' in json;
  } catch {
    return false;
  }
}

/** A host as it stands in a URL (IPv6 literals in brackets). */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The 2025-era leg: the session lifecycle (stateful servers), then one fresh server and transport for the request. */
function createLegacyLeg(opts: McpHttpOptions) {
  const { sessions, log } = opts;
  const questions = new LegacyQuestions();
  const allow = sessions ? 'POST, DELETE' : 'POST';

  return async (request: Request, authInfo: AuthInfo | undefined, body: ParsedBody): Promise<Response> => {
    const owner = callerOfToken(authInfo);
    const method = request.method.toUpperCase();
    if (method === 'GET')
      return jsonRpcError(405, -32000, 'Method Not Allowed: this server offers no SSE stream; POST requests', {
        Allow: allow,
      });
    if (method === 'DELETE') {
      if (!sessions)
        return jsonRpcError(405, -32000, 'Method Not Allowed: this server is stateless and has no sessions to delete', {
          Allow: allow,
        });
      // Ending a session changes state, as a write tool does: checked before the session is even looked up.
      const challenge = writeScopeChallenge(authInfo, 'DELETE /mcp ends a session');
      if (challenge) return scopeChallengeResponse(challenge, authInfo);
      const sessionId = request.headers.get(SESSION_HEADER);
      if (!sessionId) return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      if (!(await sessions.close(sessionId, owner))) return jsonRpcError(404, -32001, 'Session not found');
      questions.forget(sessionId);
      log.info({ session: sessionLogId(sessionId) }, 'session deleted');
      return new Response(null, { status: 200 });
    }
    if (method !== 'POST') return jsonRpcError(405, -32000, `Method Not Allowed: ${method}`, { Allow: allow });

    if (body === NOT_JSON) return jsonRpcError(400, -32700, 'Parse error: the body is not valid JSON');
    if (Array.isArray(body)) {
      return jsonRpcError(
        400,
        -32600,
        'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per request',
      );
    }
    const initialize = (body as { method?: unknown } | null)?.method === 'initialize';
    if (initialize) {
      const refused = unsupportedProtocolVersion(request) ?? invalidInitialize(body);
      if (refused) return refused;
    }
    let sessionId: string | undefined;
    if (sessions) {
      sessionId = request.headers.get(SESSION_HEADER) ?? undefined;
      if (initialize) {
        if (sessionId)
          return jsonRpcError(
            400,
            -32600,
            'Invalid Request: initialize must not carry an Mcp-Session-Id; start a new session without it',
          );
        // Here initialize opens a durable session (a workflow that lives for days): a write. A stateless server's
        // initialize opens nothing and stays a read.
        const challenge = writeScopeChallenge(authInfo, 'initialize opens a durable session');
        if (challenge) return scopeChallengeResponse(challenge, authInfo);
      } else if (!sessionId) {
        return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required (initialize first)');
      } else if (!(await sessions.exists(sessionId, owner))) {
        return jsonRpcError(404, -32001, 'Session not found');
      }
    }

    // The answer to a question this process's instance of the session is waiting for.
    if (sessionId && isPostedResponse(body)) {
      const delivered = questions.deliver(sessionId, body, authInfo);
      if (delivered) return delivered;
    }
    const response = await serve(request, authInfo, body, sessionId);
    if (!sessions || !initialize) return response;
    // The session opens only now that the SDK has accepted the initialize (Accept, JSON-RPC shape, params) and
    // answered it: a request it refuses starts nothing durable. Answering initialize needs no session.
    if (!(await isJsonRpcResult(response))) return response;
    try {
      sessionId = await sessions.open(owner);
    } catch (err) {
      // The caller's open-session bound (MCP_MAX_IT_SESSIONS_PER_CALLER): refused by name, nothing opened.
      if (err instanceof CallerLimitReached) return jsonRpcError(429, -32000, err.message);
      throw err;
    }
    questions.remember(sessionId, body);
    log.info({ session: sessionLogId(sessionId) }, 'session opened');
    const headers = new Headers(response.headers);
    headers.set(SESSION_HEADER, sessionId);
    return new Response(response.body, { status: response.status, headers });
  };

  /** A tools/call that may ask its client: answered as SSE, its instance held until the stream ends. */
  async function serveAsking(
    request: Request,
    authInfo: AuthInfo | undefined,
    body: ParsedBody,
    sessionId: string,
    clientCapabilities: ClientCapabilities,
  ): Promise<Response> {
    let server: McpServer | undefined;
    let transport: WebStandardStreamableHTTPServerTransport | undefined;
    const close = () => {
      void transport?.close();
      void server?.close();
    };
    try {
      server = opts.createServer({ era: 'legacy', sessionId, clientCapabilities });
      transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: false,
        maxRequestBodySize: opts.maxBodyBytes,
      });
      transport.onerror = (err) => log.debug({ err: err.message }, 'request refused by the MCP transport');
      await server.connect(transport);
      const response = await transport.handleRequest(request, { parsedBody: body, ...(authInfo ? { authInfo } : {}) });
      return questions.hold(sessionId, transport, response, close);
    } catch (err) {
      questions.release(sessionId);
      close();
      throw err;
    }
  }

  /** One fresh server and transport answer the request. */
  async function serve(
    request: Request,
    authInfo: AuthInfo | undefined,
    body: ParsedBody,
    sessionId: string | undefined,
  ): Promise<Response> {
    // A call on a session whose client can be asked streams its response, so a question can go out on it.
    const clientCapabilities = questions.claim(sessionId, body);
    if (clientCapabilities && sessionId) return serveAsking(request, authInfo, body, sessionId, clientCapabilities);
    const server = opts.createServer({ era: 'legacy', sessionId });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: opts.maxBodyBytes,
    });
    transport.onerror = (err) => log.debug({ err: err.message }, 'request refused by the MCP transport');
    await server.connect(transport);
    try {
      // JSON responses are complete here; the body is a buffered stream, so the instance can go.
      return await transport.handleRequest(request, { parsedBody: body, ...(authInfo ? { authInfo } : {}) });
    } finally {
      void transport.close();
      void server.close();
    }
  }
}

/** The `/mcp` endpoint as a web-standard fetch handler (what the SDK's entry and adapters speak). */
function createMcpEndpoint(opts: McpHttpOptions): {
  fetch: (request: Request) => Promise<Response>;
  close: () => Promise<void>;
} {
  const { log } = opts;
  const modern = createMcpHandler((ctx) => opts.createServer({ era: ctx.era }), {
    legacy: 'reject',
    maxRequestBodySize: opts.maxBodyBytes,
    onerror: (err) => log.debug({ err: err.message }, 'request refused by the MCP handler'),
  });
  const legacy = createLegacyLeg(opts);
  const rebindingRefusal = createRebindingGuard(opts);
  const gate = opts.auth
    ? requireBearerAuth({
        verifier: createTokenVerifier(opts.auth.config, opts.auth.resource!),
        requiredScopes: [READ_SCOPE],
        resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(new URL(opts.auth.resource!)),
      })
    : undefined;

  return {
    close: () => modern.close(),
    async fetch(request) {
      const refused = rebindingRefusal(request);
      if (refused) return refused;

      let authInfo: AuthInfo | undefined;
      if (gate) {
        const verdict = await gate(request);
        if (verdict instanceof Response) return verdict;
        authInfo = verdict;
      }
      let body: ParsedBody;
      if (request.method.toUpperCase() === 'POST') {
        if (!isJsonContentType(request.headers.get('content-type'))) {
          return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
        }
        // The Node adapter has already bounded the body at maxBodyBytes (413 past it).
        const text = await request.text();
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON carries no 2026 envelope: the SDK classifies it 2025-era, and that leg answers the parse error.
          return legacy(request, authInfo, NOT_JSON);
        }
      }
      // Read once, parsed once: the classifier and both legs take the parsed body.
      if (!claimsModernEnvelope(body) && (await isLegacyRequest(request, body))) return legacy(request, authInfo, body);
      return modern.fetch(request, {
        ...(authInfo ? { authInfo } : {}),
        ...(body !== undefined ? { parsedBody: body } : {}),
      });
    },
  };
}

export interface RunningHttpServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one, for tests) and resolves once it accepts connections. */
export async function startMcpHttpServer(opts: McpHttpOptions): Promise<RunningHttpServer> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(opts.host)}:${port}/mcp`;
  // Built once the port is known: with auth, the endpoint's own URL is the token audience and PRM resource.
  const auth = opts.auth && { ...opts.auth, resource: opts.auth.resource ?? url };
  const endpoint = createMcpEndpoint({ ...opts, port, auth });
  // The request's W3C trace headers become the active context: a tool call's SERVER span continues them when its
  // _meta carries none (tracing off: the API's no-op propagator and context manager).
  const tracedEndpoint = {
    ...endpoint,
    fetch: (request: Request) => context.with(contextOfHttpRequest(request.headers), () => endpoint.fetch(request)),
  };
  const serveMcp = toNodeHandler(tracedEndpoint, {
    // The adapter buffers the body and answers 413 itself past the bound, before anything is parsed.
    maxRequestBodySize: opts.maxBodyBytes,
    onerror: (err) => opts.log.error({ err: err.message }, 'unexpected error while serving /mcp'),
  });
  const serveHealth = toNodeHandler({ fetch: createHealthEndpoint(opts) });
  const prmPaths = new Set(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/mcp') {
      void serveMcp(req, res);
    } else if (path === '/healthz' && req.method === 'GET') {
      void serveHealth(req, res);
    } else if (auth && prmPaths.has(path!) && req.method === 'GET') {
      // RFC 9728: the path-suffixed well-known URL, and the bare one for clients that look there first.
      sendJson(res, 200, protectedResourceMetadata(auth.config, auth.resource));
    } else {
      sendJson(res, 404, { error: 'not found', endpoints: ['/mcp', '/healthz'] });
    }
  });
  opts.log.info({ url }, `${opts.name} MCP server listening`);
  return {
    url,
    port,
    server,
    close: async () => {
      await endpoint.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * `/healthz` for a load balancer, which has no token: behind the same Host/Origin check as /mcp, and saying only
 * whether each check passed. What failed and where (Temporal's address, namespace, the error) goes to the log, once
 * per change of state rather than once per probe.
 */
function createHealthEndpoint(opts: Pick<McpHttpOptions, 'host' | 'allowedOrigins' | 'health' | 'log'>) {
  const rebindingRefusal = createRebindingGuard(opts);
  let wasOk = true;
  return async (request: Request): Promise<Response> => {
    const refused = rebindingRefusal(request);
    if (refused) return refused;
    const report = await opts
      .health()
      .catch((err: Error): HealthReport => ({ ok: false, detail: { error: err.message } }));
    if (report.ok !== wasOk) {
      if (report.ok) opts.log.info('healthy again');
      else opts.log.warn({ checks: report.checks, ...report.detail }, 'unhealthy: /healthz answers 503');
      wasOk = report.ok;
    }
    const verdict = (ok: boolean) => (ok ? 'ok' : 'unavailable');
    const checks = Object.fromEntries(Object.entries(report.checks ?? {}).map(([name, ok]) => [name, verdict(ok)]));
    return Response.json({ status: verdict(report.ok), ...checks }, { status: report.ok ? 200 : 503 });
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
