/**
 * The real finance path for tests: the finance worker (in this process, on a task queue of its own, with the
 * prebuilt bundle) and the Finance MCP server over real HTTP on a free loopback port.
 */
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createLogger } from '../../shared/logger';
import type { AnyWorkflowRunTool } from '../../shared/tools/definition';
import { connectClient, connectWorker, temporalReachable } from '../../shared/temporal/connection';
import { createFinanceServer } from '../../mcp-servers/finance/server';
import { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import { TaskWorkflows } from '../../mcp-servers/adapter/tasks/task-workflows';
import { startMcpHttpServer, type McpHttpAuth, type RunningHttpServer } from '../../mcp-servers/transports/http';
import type { QuoteProvider } from '../../tool-workers/finance/quotes/provider';
import { sampleQuotes, withQuote } from './quotes';
import { createFinanceWorker } from '../../tool-workers/finance/worker';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from './temporal';

export interface FinanceStack {
  url: string;
  taskQueue: string;
  client: Client;
  http: RunningHttpServer;
  worker: Worker;
  /** Every quote the provider was asked for, in order (to prove work ran once). */
  quoteCalls: string[];
  close(): Promise<void>;
}

export interface FinanceStackOptions {
  quotes?: QuoteProvider;
  toolTimeoutMs?: number;
  maxBodyBytes?: number;
  auth?: McpHttpAuth;
  /** Tool definitions to serve instead of the finance contract's. */
  tools?: readonly AnyWorkflowRunTool[];
}

export async function startFinanceStack(opts: FinanceStackOptions = {}): Promise<FinanceStack> {
  const config = testConfig();
  const taskQueue = uniqueTaskQueue('finance');
  const namespace = config.temporal.namespaces.finance;
  const inner = opts.quotes ?? sampleQuotes;
  const quoteCalls: string[] = [];
  const quotes = withQuote(inner, {
    quote: (symbol) => {
      quoteCalls.push(symbol);
      return inner.quote(symbol);
    },
  });

  const workerConnection = await connectWorker(config.temporal);
  const worker = await createFinanceWorker({
    connection: workerConnection,
    namespace,
    taskQueue,
    deps: { quotes },
    workflowBundlePath: prebuiltBundle('finance'),
  });
  const running = worker.run();

  const clientConnection = await connectClient(config.temporal);
  const client = new Client({ connection: clientConnection, namespace });
  const workflows = new ToolWorkflowRunner({ client, taskQueue, timeoutMs: opts.toolTimeoutMs ?? 30_000 });
  const tasks = new TaskWorkflows({ client, taskQueue, pollIntervalMs: 200 });
  const http = await startMcpHttpServer({
    name: 'finance-test',
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: ['https://allowed.example'],
    maxBodyBytes: opts.maxBodyBytes ?? config.mcp.maxBodyBytes,
    createServer: (context) =>
      createFinanceServer({ workflows, tasks, context, ...(opts.tools ? { tools: opts.tools } : {}) }),
    health: async () => ({ ok: (await temporalReachable(clientConnection)).reachable }),
    log: createLogger('finance-test', 'warn'),
    auth: opts.auth,
  });

  return {
    url: http.url,
    taskQueue,
    client,
    http,
    worker,
    quoteCalls,
    async close() {
      await http.close();
      worker.shutdown();
      await running;
      await clientConnection.close();
      await workerConnection.close();
    },
  };
}
