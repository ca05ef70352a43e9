/**
 * The whole agent path for tests: real Finance and IT stacks (workers + MCP servers over HTTP on free ports), the
 * orchestrator worker (in this process with the prebuilt bundle, or a subprocess for crash tests) and a client with
 * the OpenAI Agents plugin, all against the run's Temporal server on task queues of their own.
 */
import type { ModelProvider } from '@openai/agents-core';
import type { McpAuthConfig } from '../../shared/config';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import type { Worker } from '@temporalio/worker';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { Conversations, conversationInput } from '../../orchestrator/conversations';
import type { ActionPlanner } from '../../orchestrator/manual/planner';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import type { ConversationInput } from '../../orchestrator/contract/conversation';
import { SampleWeatherProvider } from '../../orchestrator/tools/weather';
import { createOrchestratorWorker } from '../../orchestrator/worker';
import type { QuoteProvider } from '../../tool-workers/finance/quotes/provider';
import type { JiraProvider } from '../../tool-workers/it/jira/provider';
import type { FinanceStack } from './finance-stack';
import type { ItStack } from './it-stack';
import { startToolServers } from './tool-servers';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from './temporal';

export interface OrchestratorStack {
  finance: FinanceStack;
  it: ItStack;
  itHttp: RunningHttpServer;
  taskQueue: string;
  client: Client;
  conversations: Conversations;
  /** Nexus endpoints of this stack's tool workers (created for it), for conversations with `toolTransport: 'nexus'`. */
  nexusEndpoints: { finance: string; it: string };
  /** Conversations with other input on the same worker (another agent loop, say). */
  conversationsWith(overrides: Partial<ConversationInput>): Conversations;
  mcp: McpClientPool;
  /** Env for an orchestrator worker subprocess that joins this stack. */
  env: Record<string, string>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface OrchestratorStackOptions {
  modelProvider?: ModelProvider;
  /** The manual loop's planner (a Chat Completions endpoint); default: the offline model only. */
  planner?: ActionPlanner;
  input?: Partial<ConversationInput>;
  quotes?: QuoteProvider;
  /** The IT worker's Jira (a SampleJiraProvider keeps the issues filed, for counting). */
  jira?: JiraProvider;
  /** Override the MCP server URLs the orchestrator reaches (a closed port, say). */
  servers?: Partial<Record<'finance' | 'it', string>>;
  inProcessWorker?: boolean;
  /** Bearer auth on both MCP servers, and the orchestrator's own token for them. */
  auth?: McpAuthConfig;
  mcpToken?: string;
}

export async function startOrchestratorStack(opts: OrchestratorStackOptions = {}): Promise<OrchestratorStack> {
  const config = testConfig();
  const tools = await startToolServers({ quotes: opts.quotes, auth: opts.auth, jira: opts.jira });
  const { finance, it, itHttp } = tools;
  const servers = { finance: opts.servers?.finance ?? finance.url, it: opts.servers?.it ?? itHttp.url };
  const taskQueue = uniqueTaskQueue('orchestrator');
  const namespace = config.temporal.namespaces.orchestrator;
  const orchestratorConfig = { ...config.orchestrator, mcpServers: servers, taskQueue };
  const plugin = () => createAgentsPlugin(orchestratorConfig, opts.modelProvider);

  const clientConnection = await connectClient(config.temporal);
  // Endpoints of its own, routed to this stack's worker task queues (as `npm run temporal` does for the defaults).
  const suffix = randomUUID().slice(0, 8);
  const nexusEndpoints = { finance: `test-finance-${suffix}`, it: `test-it-${suffix}` };
  await ensureNexusEndpoints(clientConnection, [
    { name: nexusEndpoints.finance, namespace: config.temporal.namespaces.finance, taskQueue: finance.taskQueue },
    { name: nexusEndpoints.it, namespace: config.temporal.namespaces.it, taskQueue: it.taskQueue },
  ]);
  const client = new Client({ connection: clientConnection, namespace, plugins: [plugin()] });
  const input = conversationInput(orchestratorConfig, {
    toolCalls: { timeoutMs: 10_000, maxAttempts: 3 },
    ...opts.input,
  });
  const conversations = new Conversations(client, taskQueue, input);
  const mcp = new McpClientPool({ servers, requestTimeoutMs: 10_000, token: opts.mcpToken });
  const workerConnection = await connectWorker(config.temporal);
  let worker: { worker: Worker; running: Promise<void> } | undefined;

  const stack: OrchestratorStack = {
    finance,
    it,
    itHttp,
    taskQueue,
    client,
    conversations,
    nexusEndpoints,
    conversationsWith: (overrides) =>
      new Conversations(client, taskQueue, conversationInput(orchestratorConfig, { ...input, ...overrides })),
    mcp,
    env: {
      TEMPORAL_ADDRESS: config.temporal.address,
      ORCHESTRATOR_TASK_QUEUE: taskQueue,
      FINANCE_MCP_URL: servers.finance,
      IT_MCP_URL: servers.it,
      MCP_CALL_TIMEOUT_MS: String(input.toolCalls.timeoutMs),
    },
    async startWorker() {
      const w = await createOrchestratorWorker({
        connection: workerConnection,
        namespace,
        taskQueue,
        deps: { mcp, weather: new SampleWeatherProvider(), ...(opts.planner ? { planner: opts.planner } : {}) },
        plugin: plugin(),
        workflowBundlePath: prebuiltBundle('orchestrator'),
      });
      worker = { worker: w, running: w.run() };
    },
    async stopWorker() {
      worker?.worker.shutdown();
      await worker?.running;
      worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      await mcp.close();
      await clientConnection.close();
      await workerConnection.close();
      await tools.close();
    },
  };
  if (opts.inProcessWorker !== false) await stack.startWorker();
  return stack;
}
