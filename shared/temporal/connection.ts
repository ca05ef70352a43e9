/**
 * The one connection factory for clients and workers. Local dev server, self-hosted cluster and Temporal Cloud differ
 * only in configuration (address, API key, TLS / mTLS), never in code.
 */
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';

type SharedConnectionOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'>;

export function temporalConnectionOptions(cfg: TemporalConfig): SharedConnectionOptions {
  const tls = cfg.tls && {
    serverNameOverride: cfg.tls.serverName,
    serverRootCACertificate: cfg.tls.serverCaPath ? readFileSync(cfg.tls.serverCaPath) : undefined,
    clientCertPair:
      cfg.tls.clientCertPath && cfg.tls.clientKeyPath
        ? { crt: readFileSync(cfg.tls.clientCertPath), key: readFileSync(cfg.tls.clientKeyPath) }
        : undefined,
  };
  return { address: cfg.address, tls: tls ?? false, apiKey: cfg.apiKey };
}

/** A client connection (for MCP servers, the chat, tests). Close it in `finally`. */
export function connectClient(cfg: TemporalConfig): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(cfg));
}

/** A client connection that dials on first use: a server process can start (and report) while Temporal is down. */
export function lazyClientConnection(cfg: TemporalConfig): Connection {
  return Connection.lazy(temporalConnectionOptions(cfg));
}

/** A worker connection. Close it after the worker has shut down. */
export function connectWorker(cfg: TemporalConfig): Promise<NativeConnection> {
  const { address, tls } = temporalConnectionOptions(cfg);
  return NativeConnection.connect({ address, tls, apiKey: cfg.apiKey });
}

/** Whether the server behind an open connection answers now (for /healthz and readiness checks). */
export async function temporalReachable(connection: Connection, timeoutMs = 2000): Promise<{ reachable: boolean; error?: string }> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return { reachable: true };
  } catch (err) {
    return { reachable: false, error: (err as Error).message };
  }
}
