/**
 * Streamable HTTP for any of our MCP servers (MCP 2025-11-25, basic/transports), written once.
 *
 * Every POST gets a fresh McpServer and a stateless SDK transport, so no MCP state lives in this process. A stateful
 * server passes `sessions`: this module then owns the Mcp-Session-Id lifecycle (issue on initialize, 400 without
 * one, 404 for unknown or ended ones, DELETE to end) and the session store keeps the state elsewhere (Temporal), so
 * any replica can serve any session and a restarted process keeps serving old ones.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../../shared/logger';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpAuthConfig } from '../../shared/config';
import { createTokenVerifier, protectedResourceMetadata, READ_SCOPE, subjectOf, WRITE_SCOPE } from './auth';
import { isAllowedOrigin, isLoopbackHost } from './origins';

export interface SessionStore {
  /** Creates a session for an initialize request, bound to the caller (when authenticated); returns its id. */
  open(sessionId?: string, owner?: string): Promise<string>;
  /** Whether the id names a live session that belongs to this caller. */
  exists(sessionId: string, owner?: string): Promise<boolean>;
  /** Ends the caller's session; false when there was none. */
  close(sessionId: string, owner?: string): Promise<boolean>;
}

export interface McpHttpAuth {
  config: McpAuthConfig;
  /** The endpoint's public URL (the PRM `resource` and the default JWT audience); default: the URL it listens on. */
  resource?: string;
  /** Tools that change state: calling one needs the write scope too. */
  writeTools: readonly string[];
}

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

export interface McpHttpOptions {
  name: string;
  host: string;
  port: number;
  /** Origins allowed besides loopback ones. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  createServer(context: { sessionId?: string }): McpServer;
  sessions?: SessionStore;
  health(): Promise<HealthReport>;
  log: Logger;
  /** Bearer auth on /mcp; without it the server must be bound to loopback (the entry point enforces that). */
  auth?: McpHttpAuth;
}

const SESSION_HEADER = 'mcp-session-id';

/** `requireBearerAuth` leaves the verified token here. */
type AuthedRequest = Request & { auth?: AuthInfo };

function jsonRpcError(res: Response, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  res.status(status).set(headers).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** A host as it stands in a URL (IPv6 literals in brackets). */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function isJsonContentType(value: string | undefined): boolean {
  return (value ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export function createMcpHttpApp(opts: McpHttpOptions): express.Express {
  const { log, sessions } = opts;
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', async (_req, res) => {
    const report = await opts.health().catch((err: Error) => ({ ok: false, error: err.message }));
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ok' : 'unavailable', server: opts.name, ...report });
  });

  // DNS-rebinding protection: on loopback only loopback Host names are served, and a foreign Origin is refused.
  if (isLoopbackHost(opts.host)) app.use('/mcp', hostHeaderValidation(['localhost', '127.0.0.1', '[::1]']));
  app.use('/mcp', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(origin, opts.allowedOrigins)) {
      jsonRpcError(res, 403, -32000, `Forbidden: Origin ${origin} is not allowed`);
      return;
    }
    next();
  });

  /** Answers 403 and returns true when the caller may not call this tool; without auth, everyone may. */
  let refuseWrite: (tool: string, req: Request, res: Response) => boolean = () => false;
  if (opts.auth) {
    const auth = opts.auth;
    const resource = auth.resource ?? `http://${urlHost(opts.host)}:${opts.port}/mcp`;
    const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(resource));
    // RFC 9728: the path-suffixed well-known URL, and the bare one for clients that look there first.
    app.get(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'], (_req, res) => {
      res.json(protectedResourceMetadata(auth.config, resource));
    });
    app.use('/mcp', requireBearerAuth({ verifier: createTokenVerifier(auth.config, resource), requiredScopes: [READ_SCOPE], resourceMetadataUrl }));
    // MCP 2025-11-25 scope challenge: 403 naming the scopes that would do, so a client can step up.
    refuseWrite = (tool, req, res) => {
      const scopes = (req as AuthedRequest).auth?.scopes ?? [];
      if (!auth.writeTools.includes(tool) || scopes.includes(WRITE_SCOPE)) return false;
      const challenge = `Bearer error="insufficient_scope", scope="${READ_SCOPE} ${WRITE_SCOPE}", resource_metadata="${resourceMetadataUrl}", error_description="${tool} changes state and needs the ${WRITE_SCOPE} scope"`;
      jsonRpcError(res, 403, -32000, `Forbidden: ${tool} needs the ${WRITE_SCOPE} scope`, { 'WWW-Authenticate': challenge });
      return true;
    };
  }
  const ownerOf = (req: Request) => subjectOf((req as AuthedRequest).auth);

  const allow = sessions ? 'POST, DELETE' : 'POST';
  app.get('/mcp', (_req, res) => jsonRpcError(res, 405, -32000, 'Method Not Allowed: this server offers no SSE stream; POST requests', { Allow: allow }));

  app.delete('/mcp', async (req, res) => {
    if (!sessions) {
      jsonRpcError(res, 405, -32000, 'Method Not Allowed: this server is stateless and has no sessions to delete', { Allow: allow });
      return;
    }
    const sessionId = req.header(SESSION_HEADER);
    if (!sessionId) return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (!(await sessions.close(sessionId, ownerOf(req)))) return jsonRpcError(res, 404, -32001, 'Session not found');
    log.info({ sessionId }, 'session deleted');
    res.status(200).end();
  });

  app.post(
    '/mcp',
    (req, res, next) => {
      if (!isJsonContentType(req.headers['content-type'])) {
        return jsonRpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      }
      next();
    },
    express.json({ limit: opts.maxBodyBytes, strict: true, type: () => true }),
    async (req, res) => {
      const body: unknown = req.body;
      if (Array.isArray(body)) {
        return jsonRpcError(res, 400, -32600, 'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per request');
      }
      const message = body as { method?: unknown; params?: { name?: unknown } } | null;
      if (message?.method === 'tools/call' && refuseWrite(String(message.params?.name), req, res)) return;
      let sessionId: string | undefined;
      if (sessions) {
        const isInitialize = message?.method === 'initialize';
        sessionId = req.header(SESSION_HEADER);
        if (isInitialize) {
          if (sessionId) return jsonRpcError(res, 400, -32600, 'Invalid Request: initialize must not carry an Mcp-Session-Id; start a new session without it');
          sessionId = await sessions.open(undefined, ownerOf(req));
          res.setHeader(SESSION_HEADER, sessionId);
          log.info({ sessionId }, 'session opened');
        } else if (!sessionId) {
          return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required (initialize first)');
        } else if (!(await sessions.exists(sessionId, ownerOf(req)))) {
          return jsonRpcError(res, 404, -32001, 'Session not found');
        }
      }

      const server = opts.createServer({ sessionId });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        maxRequestBodySize: opts.maxBodyBytes,
      });
      transport.onerror = (err) => log.debug({ err: err.message }, 'request refused by the MCP transport');
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    },
  );

  // Body-parser failures become JSON-RPC errors with the right status; nothing else leaks a stack trace.
  app.use((err: { type?: string; status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err.type === 'entity.too.large') return jsonRpcError(res, 413, -32000, `Payload Too Large: request body must not exceed ${opts.maxBodyBytes} bytes`);
    if (err.type === 'entity.parse.failed') return jsonRpcError(res, 400, -32700, 'Parse error: the body is not valid JSON');
    if (err.status && err.status >= 400 && err.status < 500) return jsonRpcError(res, err.status, -32000, err.message ?? 'Bad Request');
    log.error({ err: err.message }, 'unexpected error while serving /mcp');
    jsonRpcError(res, 500, -32603, 'Internal error');
  });

  return app;
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
  // The app is built once the port is known: with auth, the endpoint's own URL is the token audience and PRM resource.
  server.on('request', createMcpHttpApp({ ...opts, port, auth: opts.auth && { ...opts.auth, resource: opts.auth.resource ?? url } }));
  opts.log.info({ url }, `${opts.name} MCP server listening`);
  return {
    url,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
