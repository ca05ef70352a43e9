/**
 * MCP servers without Temporal, for `npm run bench` to measure the MCP layer against its floor in one run, in a
 * process of their own as the real servers are:
 * - the floor: a plain SDK v2 server (bench/plain-server.ts, one arithmetic tool), what any MCP hop costs on this
 *   machine;
 * - ours: the Finance server on our HTTP transport (host and origin checks, both eras, per-request instances), whose
 *   workflow runner answers without Temporal.
 * Each twice: answering at once, and after waiting as long as a workflow takes (the first argument, ms; the process
 * idles meanwhile, and its code runs colder after). Announces `{ type: 'ready', urls }` over the IPC channel of the
 * bench that started it.
 */
import { z } from 'zod';
import { createLogger } from '../shared/logger';
import { runMain } from '../shared/main';
import { createFinanceServer } from '../mcp-servers/finance/server';
import type { ToolWorkflowRunner } from '../shared/tools/workflow-runner';
import { startMcpHttpServer } from '../mcp-servers/transports/http';
import { compoundGrowth } from '../tool-workers/finance/roi';
import type { RoiInput } from '../tool-workers/finance/contract';
import { startPlainServer, textResult } from './plain-server';

const addInput = z.object({ a: z.number().describe('First addend'), b: z.number().describe('Second addend') });
const pause = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

function startFloor(waitMs: number) {
  return startPlainServer('floor', (server) =>
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: addInput }, async ({ a, b }) => {
      await pause(waitMs);
      return textResult(String(a + b));
    }),
  );
}

/** Only the runner differs from the production Finance server: the workflow's answer, computed here. */
function startOurs(waitMs: number) {
  const runner = {
    run: async (_tool: string, _workflow: unknown, args: RoiInput) => {
      await pause(waitMs);
      return compoundGrowth({ compounding: 'yearly', ...args });
    },
  };
  return startMcpHttpServer({
    name: 'bench-ours',
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: [],
    maxBodyBytes: 1 << 20,
    createServer: () => createFinanceServer({ workflows: runner as unknown as ToolWorkflowRunner }),
    health: async () => ({ ok: true }),
    log: createLogger('bench-ours', 'warn'),
  });
}

runMain('bench:layer-servers', async () => {
  const waitMs = Number(process.argv[2] ?? 25);
  const servers = {
    floor: await startFloor(0),
    ours: await startOurs(0),
    floorWaiting: await startFloor(waitMs),
    oursWaiting: await startOurs(waitMs),
  };
  process.send?.({
    type: 'ready',
    urls: Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url])),
  });
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all(Object.values(servers).map((s) => s.close()));
});
