/**
 * The one connection factory for clients and workers. Local dev server, self-hosted cluster and Temporal Cloud differ
 * only in configuration (address, API key, TLS / mTLS), never in code.
 */
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionLike, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, TransportError } from '@temporalio/worker';
import type { TemporalConfig } from '../config';
import { StartupError } from '../main';

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

/** Connecting failed because nothing answers (not because of, say, a rejected API key): one line saying what to do. */
function unreachable(cfg: TemporalConfig, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  const refusedOrDown =
    err instanceof TransportError || /Failed to connect before the deadline|UNAVAILABLE|ECONNREFUSED|Connection refused/i.test(message);
  if (!refusedOrDown) throw err;
  const local = /^(127\.|localhost:|\[::1\]:)/.test(cfg.address);
  const todo = local ? 'start it with `npm run temporal`, or run everything with `npm start`' : 'check TEMPORAL_ADDRESS and that the server is up';
  throw new StartupError(`cannot reach Temporal at ${cfg.address} (TEMPORAL_ADDRESS): ${todo}`, { cause: err });
}

/** A client connection (for MCP servers, the chat, tests). Close it in `finally`. */
export function connectClient(cfg: TemporalConfig): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(cfg)).catch((err: unknown) => unreachable(cfg, err));
}

/** A client connection that dials on first use: a server process can start (and report) while Temporal is down. */
export function lazyClientConnection(cfg: TemporalConfig): Connection {
  return Connection.lazy(temporalConnectionOptions(cfg));
}

/** A worker connection. Close it after the worker has shut down. */
export function connectWorker(cfg: TemporalConfig): Promise<NativeConnection> {
  const { address, tls } = temporalConnectionOptions(cfg);
  return NativeConnection.connect({ address, tls, apiKey: cfg.apiKey }).catch((err: unknown) => unreachable(cfg, err));
}

/** Whether the server behind an open connection answers now (for /healthz and readiness checks). */
export async function temporalReachable(connection: ConnectionLike, timeoutMs = 2000): Promise<{ reachable: boolean; error?: string }> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return { reachable: true };
  } catch (err) {
    return { reachable: false, error: (err as Error).message };
  }
}
