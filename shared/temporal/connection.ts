/**
 * The one connection factory for clients and workers. Local dev server, self-hosted cluster and Temporal Cloud differ
 * only in configuration (address, API key, TLS / mTLS), never in code.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
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

/** A worker connection. Close it after the worker has shut down. */
export function connectWorker(cfg: TemporalConfig): Promise<NativeConnection> {
  const { address, tls } = temporalConnectionOptions(cfg);
  return NativeConnection.connect({ address, tls, apiKey: cfg.apiKey });
}

export async function createTemporalClient(cfg: TemporalConfig, namespace: string): Promise<Client> {
  return new Client({ connection: await connectClient(cfg), namespace });
}
