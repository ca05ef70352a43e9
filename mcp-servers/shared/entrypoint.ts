/**
 * The process edge shared by both MCP servers: parse `--transport`, load config once, open the Temporal client,
 * then serve over streamable HTTP (default) or stdio. In stdio mode nothing but protocol frames reaches stdout.
 */
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../../shared/config';
import { createLogger, type Logger } from '../../shared/logger';
import { runMain } from '../../shared/main';
import { announceReady } from '../../shared/ready';
import { lazyClientConnection, temporalReachable } from '../../shared/temporal/connection';
import { startMcpHttpServer, type LegacySessionStore, type McpServerFactory } from '../transports/http';
import { isLoopbackHost } from '../transports/origins';
import { serveStdio } from '../transports/stdio';

export interface McpServerParts {
  createServer: McpServerFactory;
  /** Stateful servers only: the 2025-era Mcp-Session-Id lifecycle. */
  sessions?: LegacySessionStore;
  /** Stateful servers only: the one session a stdio process serves. */
  stdioSessionId?(): Promise<string>;
}

export interface McpProcessSpec {
  name: string;
  namespace(config: AppConfig): string;
  port(config: AppConfig): number;
  /** The URL clients use (the Protected Resource Metadata `resource`), when configured. */
  publicUrl(config: AppConfig): string | undefined;
  setup(deps: { config: AppConfig; client: Client; log: Logger; transport: 'http' | 'stdio' }): Promise<McpServerParts>;
}

export function runMcpServerProcess(spec: McpProcessSpec): void {
  runMain(spec.name, async () => {
    const { values } = parseArgs({
      options: { transport: { type: 'string', default: 'http' } },
      strict: true,
    });
    const transport = values.transport;
    if (transport !== 'http' && transport !== 'stdio') {
      throw new Error(`--transport must be "http" or "stdio" (got ${JSON.stringify(transport)})`);
    }
    const config = loadConfig();
    const log = createLogger(spec.name, config.logLevel);
    const connection = lazyClientConnection(config.temporal);
    const client = new Client({ connection, namespace: spec.namespace(config) });
    const parts = await spec.setup({ config, client, log, transport });

    if (transport === 'stdio') {
      const sessionId = await parts.stdioSessionId?.();
      log.info({ namespace: spec.namespace(config), sessionId }, `${spec.name} serving MCP over stdio`);
      await serveStdio(parts.createServer, sessionId);
      await connection.close();
      return;
    }

    // Off loopback, anyone who can reach the port could call the tools: refuse to serve without authentication.
    if (!isLoopbackHost(config.mcp.host) && !config.mcp.auth) {
      throw new Error(
        `refusing to serve on MCP_HOST=${config.mcp.host} without authentication: set MCP_AUTH_TOKENS or MCP_AUTH_JWT_ISSUER, or bind to 127.0.0.1`,
      );
    }
    const http = await startMcpHttpServer({
      name: spec.name,
      host: config.mcp.host,
      port: spec.port(config),
      allowedOrigins: config.mcp.allowedOrigins,
      maxBodyBytes: config.mcp.maxBodyBytes,
      createServer: parts.createServer,
      sessions: parts.sessions,
      auth: config.mcp.auth && { config: config.mcp.auth, resource: spec.publicUrl(config) },
      health: async () => {
        const temporal = await temporalReachable(connection);
        return { ok: temporal.reachable, temporal: { address: config.temporal.address, namespace: spec.namespace(config), ...temporal } };
      },
      log,
    });
    announceReady();
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    log.info('shutting down');
    await http.close();
    await connection.close();
  });
}
