/**
 * Nexus endpoints are infrastructure: a name callers use, routed to a namespace and task queue where a worker serves
 * the service. Here (`npm run temporal`, `npm start`, the tests, the bench) they are created idempotently through the
 * operator API, as `temporal operator nexus endpoint create` would; on a real cluster, by that command or Terraform
 * (docs/nexus.md).
 */
import { Connection } from '@temporalio/client';
import type { NexusEndpointNames, TemporalConfig } from '../config';
import { StartupError } from '../main';
import { temporalConnectionOptions } from './connection';
import { whenNamespaceKnown } from './new-namespace';

export interface NexusEndpointSpec {
  name: string;
  namespace: string;
  taskQueue: string;
}

export interface EnsureEndpointOptions {
  /** For the message at the bound: the server's address. */
  address?: string;
  /** How long to wait for a target namespace registered a moment ago (shared/temporal/new-namespace.ts). */
  boundMs?: number;
  onWait?: (line: string) => void;
}

/**
 * Creates each endpoint that is missing and re-targets one that points elsewhere; returns the names it changed. The
 * server checks the target namespace through its namespace cache: one registered a moment ago is waited for.
 */
export async function ensureNexusEndpoints(
  connection: Pick<Connection, 'operatorService'>,
  endpoints: NexusEndpointSpec[],
  opts: EnsureEndpointOptions = {},
): Promise<string[]> {
  const changed: string[] = [];
  const waitFor = <T>(namespace: string, name: string, call: () => Promise<T>) =>
    whenNamespaceKnown(namespace, `creating Nexus endpoint ${name}`, call, {
      address: opts.address ?? 'TEMPORAL_ADDRESS',
      boundMs: opts.boundMs,
      onWait: opts.onWait,
    });
  for (const { name, namespace, taskQueue } of endpoints) {
    const spec = { name, target: { worker: { namespace, taskQueue } } };
    const { endpoints: found = [] } = await connection.operatorService.listNexusEndpoints({ name, pageSize: 1 });
    const existing = found.find((e) => e.spec?.name === name);
    if (!existing) {
      try {
        await waitFor(namespace, name, () => connection.operatorService.createNexusEndpoint({ spec }));
        changed.push(name);
      } catch (err) {
        // Another process created it between our list and create: fine when it targets the same place.
        if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
      }
      continue;
    }
    const worker = existing.spec?.target?.worker;
    if (worker?.namespace === namespace && worker?.taskQueue === taskQueue) continue;
    await waitFor(namespace, name, () =>
      connection.operatorService.updateNexusEndpoint({ id: existing.id, version: existing.version, spec }),
    );
    changed.push(name);
  }
  return changed;
}

/** The project's two endpoints, each routed to its domain's namespace and worker task queue. */
export function projectNexusEndpoints(config: {
  temporal: Pick<TemporalConfig, 'namespaces'>;
  names: NexusEndpointNames;
  taskQueues: { finance: string; it: string };
}): NexusEndpointSpec[] {
  return (['finance', 'it'] as const).map((domain) => ({
    name: config.names[domain],
    namespace: config.temporal.namespaces[domain],
    taskQueue: config.taskQueues[domain],
  }));
}

/** `ensureNexusEndpoints` on a connection of its own, for the launchers. */
export async function ensureProjectNexusEndpoints(
  cfg: TemporalConfig,
  endpoints: NexusEndpointSpec[],
  opts: Omit<EnsureEndpointOptions, 'address'> = {},
): Promise<string[]> {
  const connection = await Connection.connect(temporalConnectionOptions(cfg));
  try {
    return await ensureNexusEndpoints(connection, endpoints, { address: cfg.address, ...opts });
  } finally {
    await connection.close();
  }
}

/**
 * A conversation whose Nexus endpoint is missing would retry its workflow task forever; the orchestrator checks at
 * start instead, and says in one line which endpoint is missing and how to create it.
 */
export async function assertNexusEndpointsExist(
  connection: Pick<Connection, 'operatorService'>,
  endpoints: (Omit<NexusEndpointSpec, 'taskQueue'> & { taskQueue: string })[],
): Promise<void> {
  for (const { name, namespace, taskQueue } of endpoints) {
    const { endpoints: found = [] } = await connection.operatorService.listNexusEndpoints({ name, pageSize: 1 });
    if (found.some((e) => e.spec?.name === name)) continue;
    throw new StartupError(
      `Nexus endpoint ${name} does not exist (TOOL_TRANSPORT=nexus): create it with \`npm run temporal\` (it creates this project's endpoints) ` +
        `or \`temporal operator nexus endpoint create --name ${name} --target-namespace ${namespace} --target-task-queue ${taskQueue}\``,
    );
  }
}
