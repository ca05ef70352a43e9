/**
 * The one connection factory for clients and workers. Local dev server, self-hosted cluster and Temporal Cloud differ
 * only in configuration (address, API key, TLS / mTLS, from envconfig: shared/config/temporal.ts), never in code.
 */
import { Connection, type ConnectionLike, type TLSConfig } from '@temporalio/client';
import { NativeConnection, TransportError } from '@temporalio/worker';
import type { TemporalConfig } from '../config';
import { StartupError } from '../main';

/** What client and worker connections take alike. */
interface SharedConnectionOptions {
  address: string;
  tls: TLSConfig | false;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export function temporalConnectionOptions(cfg: TemporalConfig): SharedConnectionOptions {
  return { address: cfg.address, tls: cfg.tls ?? false, apiKey: cfg.apiKey, metadata: cfg.metadata };
}

/** Connecting failed because nothing answers (not because of, say, a rejected API key): one line saying what to do. */
function unreachable(cfg: TemporalConfig, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  const refusedOrDown =
    err instanceof TransportError ||
    /Failed to connect before the deadline|UNAVAILABLE|ECONNREFUSED|Connection refused/i.test(message);
  if (!refusedOrDown) throw err;
  const local = /^(127\.|localhost:|\[::1\]:)/.test(cfg.address);
  const todo = local
    ? 'start it with `npm run temporal`, or run everything with `npm start`'
    : 'check TEMPORAL_ADDRESS and that the server is up';
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
  return NativeConnection.connect(temporalConnectionOptions(cfg)).catch((err: unknown) => unreachable(cfg, err));
}

/**
 * A worker polling a namespace the server does not have fails inside the SDK with a long gRPC dump; checked first,
 * it is one line naming the command that registers it. Any other failure is left to the worker to report.
 */
export async function assertNamespaceExists(
  connection: ConnectionLike,
  cfg: TemporalConfig,
  namespace: string,
): Promise<void> {
  try {
    await connection.withDeadline(Date.now() + 10_000, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } catch (err) {
    if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) return;
    throw new StartupError(
      `namespace ${namespace} does not exist on the Temporal server at ${cfg.address}: register it with \`npm run temporal\` (it registers this project's namespaces on the server at TEMPORAL_ADDRESS) or \`temporal operator namespace create --namespace ${namespace}\``,
      { cause: err },
    );
  }
}

/** Whether the server behind an open connection answers now (for /healthz and readiness checks). */
export async function temporalReachable(
  connection: ConnectionLike,
  timeoutMs = 2000,
): Promise<{ reachable: boolean; error?: string }> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return { reachable: true };
  } catch (err) {
    return { reachable: false, error: (err as Error).message };
  }
}
