/**
 * Which Temporal Web UI to link to: only one known to show the server in use. That is TEMPORAL_UI_URL when set (the
 * launcher sets it for what it starts when it started the dev server, or found its UI); otherwise, for a server on
 * loopback, the UI at 127.0.0.1:<TEMPORAL_UI_PORT> only if it shows that same server (a dev server's UI does). A
 * self-hosted server on loopback without a UI there gets no link, rather than one that points at nothing.
 */
import type { Connection } from '@temporalio/client';
import type { TemporalConfig, TemporalUiSettings } from '../config';
import { isLoopbackAddress } from './dev-server';

/** The UI TEMPORAL_UI_URL names, if any: for processes that do not look (an MCP server starts without Temporal). */
export function configuredWebUi(ui: TemporalUiSettings): string | undefined {
  return ui.url;
}

/**
 * The UI at `uiPort`, when it shows the server behind `connection`: both give `namespace` the same id. (Namespace ids
 * are random per registration; cluster ids are not enough, as in-memory dev servers of one user share theirs.)
 */
async function devServerUiFor(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  uiPort: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const base = `http://127.0.0.1:${uiPort}`;
  try {
    const ours = (await connection.workflowService.describeNamespace({ namespace })).namespaceInfo?.id;
    const res = await fetch(`${base}/api/v1/namespaces/${encodeURIComponent(namespace)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!ours || !res.ok) return undefined;
    const shown = (await res.json()) as { namespaceInfo?: { id?: unknown } };
    return shown.namespaceInfo?.id === ours ? base : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TEMPORAL_UI_URL; else, for a server on loopback, the UI at TEMPORAL_UI_PORT if it shows this server (`namespace`,
 * one of its namespaces, has the same id there); else undefined (no link).
 */
export async function findTemporalWebUi(
  connection: Pick<Connection, 'workflowService'>,
  temporal: Pick<TemporalConfig, 'address'>,
  ui: TemporalUiSettings,
  namespace: string,
  timeoutMs = 1500,
): Promise<string | undefined> {
  if (ui.url) return ui.url;
  if (!isLoopbackAddress(temporal.address)) return undefined;
  return devServerUiFor(connection, namespace, ui.devServerPort, timeoutMs);
}

/** A workflow's page in that UI: one run's history when `runId` is given, else whichever run is the latest. */
export function workflowWebUiLink(webUi: string, namespace: string, workflowId: string, runId?: string): string {
  const page = `${webUi}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${page}/${encodeURIComponent(runId)}/history` : page;
}
