/**
 * The real IT path for tests: the IT worker in this process (own task queue, prebuilt bundle), plus IT MCP servers
 * over real HTTP, in-process or as subprocesses for crash and replica tests.
 */
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createLogger } from '../../shared/logger';
import { connectClient, connectWorker, temporalReachable } from '../../shared/temporal/connection';
import { createItServer } from '../../mcp-servers/it/server';
import { ItSessions } from '../../tool-workers/it/sessions';
import { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import { TaskWorkflows } from '../../mcp-servers/adapter/tasks/task-workflows';
import { startMcpHttpServer, type McpHttpAuth, type RunningHttpServer } from '../../mcp-servers/transports/http';
import type { ItDeps } from '../../tool-workers/it/activities';
import type { ApprovalPolicy } from '../../shared/tools/approval';
import { PendingApprovals } from '../../shared/tools/pending-approval';
import { IpLookup } from '../../tool-workers/it/ip/lookup';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { createItWorker } from '../../tool-workers/it/worker';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from './temporal';

export interface ItStack {
  taskQueue: string;
  client: Client;
  sessions: ItSessions;
  /** Env for subprocesses (servers, workers) that should join this stack. */
  env: Record<string, string>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** `approvals`: the server's approval policy (TOOL_APPROVAL*); absent: each tool's default. */
  startHttp(opts?: {
    idleTimeoutMs?: number;
    auth?: McpHttpAuth;
    approvals?: ApprovalPolicy;
    /** TOOL_APPROVAL_EXPIRY_MS of its approval questions; default 24 h. */
    approvalExpiryMs?: number;
  }): Promise<RunningHttpServer>;
  close(): Promise<void>;
}

export async function startItStack(
  opts: { deps?: Partial<ItDeps>; idleTimeoutMs?: number; maxHistoryEvents?: number; inProcessWorker?: boolean } = {},
): Promise<ItStack> {
  const config = testConfig();
  const taskQueue = uniqueTaskQueue('it');
  const namespace = config.temporal.namespaces.it;
  const ip = new IpLookup({ timeoutMs: 500 });
  const deps: ItDeps = { jira: opts.deps?.jira ?? new SampleJiraProvider(), ip: opts.deps?.ip ?? ip };
  const workerConnection = await connectWorker(config.temporal);
  const clientConnection = await connectClient(config.temporal);
  const client = new Client({ connection: clientConnection, namespace });
  const idleTimeoutMs = opts.idleTimeoutMs ?? 3_600_000;
  const sessions = new ItSessions({ client, taskQueue, idleTimeoutMs, maxHistoryEvents: opts.maxHistoryEvents });
  const lookups = new ToolWorkflowRunner({ client, taskQueue, timeoutMs: 30_000 });
  const tasks = new TaskWorkflows({ client, taskQueue, pollIntervalMs: 200 });
  const servers: RunningHttpServer[] = [];
  let worker: { worker: Worker; running: Promise<void> } | undefined;

  const stack: ItStack = {
    taskQueue,
    client,
    sessions,
    env: {
      TEMPORAL_ADDRESS: config.temporal.address,
      IT_TASK_QUEUE: taskQueue,
      IT_SESSION_IDLE_TIMEOUT_MS: String(idleTimeoutMs),
    },
    async startWorker() {
      const w = await createItWorker({
        connection: workerConnection,
        namespace,
        taskQueue,
        deps,
        workflowBundlePath: prebuiltBundle('it'),
      });
      worker = { worker: w, running: w.run() };
    },
    async stopWorker() {
      worker?.worker.shutdown();
      await worker?.running;
      worker = undefined;
    },
    async startHttp(httpOpts = {}) {
      const own = httpOpts.idleTimeoutMs
        ? new ItSessions({ client, taskQueue, idleTimeoutMs: httpOpts.idleTimeoutMs })
        : sessions;
      const pendingApprovals = new PendingApprovals({
        client,
        taskQueue,
        expiryMs: httpOpts.approvalExpiryMs ?? 86_400_000,
      });
      const http = await startMcpHttpServer({
        name: 'it-test',
        host: '127.0.0.1',
        port: 0,
        allowedOrigins: [],
        maxBodyBytes: config.mcp.maxBodyBytes,
        createServer: (context) =>
          createItServer({ context, sessions: own, lookups, tasks, approvals: httpOpts.approvals, pendingApprovals }),
        sessions: own,
        health: async () => ({ ok: (await temporalReachable(clientConnection)).reachable }),
        log: createLogger('it-test', 'warn'),
        auth: httpOpts.auth,
      });
      servers.push(http);
      return http;
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      await stack.stopWorker();
      await ip.close();
      await clientConnection.close();
      await workerConnection.close();
    },
  };
  if (opts.inProcessWorker !== false) await stack.startWorker();
  return stack;
}
