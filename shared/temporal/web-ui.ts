/**
 * Which Temporal Web UI to link to. Only the dev server serves one at 127.0.0.1:<TEMPORAL_UI_PORT>, so that link is
 * printed only for a server on loopback (where `npm run temporal` starts it); for any other server, only the UI
 * TEMPORAL_UI_URL names, and no link without it.
 */
import type { TemporalConfig, TemporalUiSettings } from '../config';
import { isLoopbackAddress } from './dev-server';

export function temporalWebUi(temporal: Pick<TemporalConfig, 'address'>, ui: TemporalUiSettings): string | undefined {
  if (ui.url) return ui.url;
  return isLoopbackAddress(temporal.address) ? `http://127.0.0.1:${ui.devServerPort}` : undefined;
}

/** A workflow's page in that UI: one run's history when `runId` is given, else whichever run is the latest. */
export function workflowWebUiLink(webUi: string, namespace: string, workflowId: string, runId?: string): string {
  const page = `${webUi}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${page}/${encodeURIComponent(runId)}/history` : page;
}
