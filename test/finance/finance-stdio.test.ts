/**
 * The Finance server as a desktop client runs it: a subprocess spawned from another working directory with only
 * PATH, HOME and the client's env, speaking MCP over stdio.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { testConfig } from '../support/temporal';
import { financeToolNames } from '../../tool-workers/finance/tools';

let stack: FinanceStack;
const elsewhere = mkdtempSync(path.join(tmpdir(), 'desktop-cwd-'));
const launcher = path.join(projectRoot, 'bin', 'mcp-finance.mjs');

beforeAll(async () => {
  stack = await startFinanceStack();
});
afterAll(() => stack?.close());

function minimalEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    TEMPORAL_ADDRESS: testConfig().temporal.address,
    FINANCE_TASK_QUEUE: stack.taskQueue,
    ENV_FILE: '/nonexistent',
  };
}

describe('Finance MCP server over stdio', () => {
  it('serves the MCP SDK client from another cwd with a minimal environment', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [launcher, '--transport', 'stdio'],
      cwd: elsewhere,
      env: minimalEnv(),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop-like', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([...financeToolNames]);
      const roi = await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
      });
      expect((roi.structuredContent as { final_value: number }).final_value).toBe(16288.95);
      const quote = await client.callTool({ name: 'stock_price', arguments: { symbol: 'IBM' } });
      expect(quote.structuredContent).toMatchObject({ symbol: 'IBM', source: expect.stringMatching(/sample data/) });
      const bad = await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: -1, annual_rate: 0.05, years: 1 },
      });
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('writes nothing but JSON-RPC frames to stdout, also when calls fail', async () => {
    const child = spawn(process.execPath, [launcher, '--transport', 'stdio'], {
      cwd: elsewhere,
      env: minimalEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const stderr: string[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c.toString()));
    const reader = createInterface({ input: child.stdout });
    const responses = new Map<number, unknown>();
    const done = new Promise<void>((resolve) =>
      reader.on('line', (line) => {
        lines.push(line);
        const msg = JSON.parse(line) as { id?: number };
        if (msg.id !== undefined) responses.set(msg.id, msg);
        if (responses.size === 5) resolve();
      }),
    );
    const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'stock_price', arguments: { symbol: 'NOPE1' } },
    });
    send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } });
    send({
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'calculate_roi', arguments: { principal: 'x' } },
    });
    await done;
    child.stdin.end();
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(code).toBe(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect((responses.get(3) as any).result.isError).toBe(true);
    expect((responses.get(4) as any).error.code).toBe(-32602);
    expect((responses.get(5) as any).result.isError).toBe(true);
    // Logs exist, and they went to stderr.
    expect(stderr.join('')).toMatch(/serving MCP over stdio/);
  });
});
