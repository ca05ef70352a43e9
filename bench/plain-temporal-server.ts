/**
 * The MCP layer's floor with Temporal behind it, for rows 1d and 2b: a plain SDK v2 server (bench/plain-server.ts)
 * whose tools make exactly the Temporal calls the Finance and IT benches' baselines make (bench/baseline-calls.ts),
 * from a client in this process, as our servers' clients are in theirs. Against the bare call it measures what any MCP
 * server costs when the server process, not the caller, talks to Temporal; against ours, what our layer adds to that.
 * Announces `{ type: 'ready', url }` over the IPC channel of the bench that started it.
 */
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { financeQueueSection, temporalSection } from '../shared/config';
import { loadProcessConfig, runMain } from '../shared/main';
import { lazyClientConnection } from '../shared/temporal/connection';
import { roiInput } from '../tool-workers/finance/contract';
import { executeRoi, itSessionClient, readSessionState, sessionOf, writeJiraProject } from './baseline-calls';
import { startPlainServer, textResult } from './plain-server';

// Built once per process, as startFloor's are: a fresh McpServer per request registers these same schemas.
const sessionId = z.string().describe('An open IT session handle');
const writeInput = z.object({ session_id: sessionId, project: z.string().describe('Jira project key') });
const readInput = z.object({ session_id: sessionId });

runMain('bench:plain-temporal-server', async () => {
  const { config } = loadProcessConfig('bench:plain-temporal-server', {
    temporal: temporalSection,
    finance: financeQueueSection,
  });
  // A lazy client connection, as the MCP servers open theirs (mcp-servers/entrypoint.ts).
  const connection = lazyClientConnection(config.temporal);
  const finance = new Client({ connection, namespace: config.temporal.namespaces.finance });
  const sessions = itSessionClient(connection, config.temporal.namespaces.it);
  const server = await startPlainServer('plain-with-temporal', (s) => {
    s.registerTool(
      'calculate_roi',
      { description: 'Runs calculateRoiWorkflow and waits for its result', inputSchema: roiInput },
      async (input) => textResult(await executeRoi(finance, config.finance.taskQueue, input)),
    );
    s.registerTool(
      'set_jira_project',
      { description: 'Signals sessionWrite to an open IT session', inputSchema: writeInput },
      async ({ session_id, project }) => {
        await writeJiraProject(sessionOf(sessions, session_id), project);
        return textResult('ok');
      },
    );
    s.registerTool(
      'get_ip_history',
      { description: 'Queries sessionState of an open IT session', inputSchema: readInput },
      async ({ session_id }) => textResult(await readSessionState(sessionOf(sessions, session_id))),
    );
  });
  process.send?.({ type: 'ready', url: server.url });
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await server.close();
  await connection.close();
});
