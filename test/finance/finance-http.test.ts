import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, postMcp, toolCall } from '../support/mcp-client';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import { financeToolNames } from '../../tool-workers/finance/tools';

let stack: FinanceStack;
let mcp: McpClient;

beforeAll(async () => {
  stack = await startFinanceStack();
  mcp = await connectHttpClient(stack.url);
});
afterAll(async () => {
  await mcp?.close();
  await stack?.close();
});

async function stillServing() {
  const res = await postMcp(
    stack.url,
    toolCall('calculate_roi', { principal: 100, annual_rate: 0.1, years: 1 }, 'alive'),
  );
  expect(res.status).toBe(200);
  expect(res.json.result.structuredContent.final_value).toBe(110);
}

describe('Finance MCP server over streamable HTTP (MCP SDK client)', () => {
  it('lists exactly its three tools, each fully described', async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual([...financeToolNames]);
    for (const tool of tools) {
      expect(tool.title).toBeTruthy();
      expect(tool.description).toBeTruthy();
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    const roi = tools.find((t) => t.name === 'calculate_roi')!;
    expect((roi.inputSchema.properties!.annual_rate as { description: string }).description).toMatch(/0\.05 means 5%/);
    expect(tools.find((t) => t.name === 'stock_price')!.annotations?.openWorldHint).toBe(true);
  });

  it('prices a stock from the labelled sample data, through a workflow', async () => {
    const result = await mcp.callTool({ name: 'stock_price', arguments: { symbol: 'aapl' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ symbol: 'AAPL', currency: 'USD', price: expect.any(Number) });
    expect((result.structuredContent as { source: string }).source).toMatch(/sample data/);
    expect(Date.parse((result.structuredContent as { as_of: string }).as_of)).not.toBeNaN();
    // The same data as text, for clients that read only text.
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    expect(text).toContain(JSON.stringify(result.structuredContent, null, 2));
  });

  it('computes $10,000 at 0.05 for 10 years compounded yearly as $16,288.95', async () => {
    const result = await mcp.callTool({
      name: 'calculate_roi',
      arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
    });
    expect(result.structuredContent).toEqual({
      principal: 10000,
      annual_rate: 0.05,
      years: 10,
      compounding: 'yearly',
      final_value: 16288.95,
      gain: 6288.95,
      roi_percent: 62.89,
    });
    const monthly = await mcp.callTool({
      name: 'calculate_roi',
      arguments: { principal: 10000, annual_rate: 0.05, years: 10, compounding: 'monthly' },
    });
    expect((monthly.structuredContent as { final_value: number }).final_value).toBe(16470.09);
  });

  it('runs each call as one workflow in finance-namespace on the finance task queue, with a readable id', async () => {
    await mcp.callTool({ name: 'stock_price', arguments: { symbol: 'MSFT' } });
    const ids: string[] = [];
    for await (const wf of stack.client.workflow.list({
      query: `TaskQueue = "${stack.taskQueue}" AND WorkflowType = "stockPriceWorkflow"`,
    })) {
      ids.push(wf.workflowId);
      expect(wf.status.name).toBe('COMPLETED');
    }
    expect(ids.length).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect(id).toMatch(/^stock_price-[0-9a-f-]{36}$/);
  });
});

describe('idempotency keys', () => {
  it('two calls with the same key produce one workflow execution and one quote', async () => {
    const key = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const before = stack.quoteCalls.length;
    const [a, b] = await Promise.all([
      mcp.callTool({ name: 'stock_price', arguments: { symbol: 'NVDA' }, _meta: { idempotencyKey: key } }),
      mcp.callTool({ name: 'stock_price', arguments: { symbol: 'NVDA' }, _meta: { idempotencyKey: key } }),
    ]);
    const c = await mcp.callTool({
      name: 'stock_price',
      arguments: { symbol: 'NVDA' },
      _meta: { idempotencyKey: key },
    });
    expect(a.structuredContent).toEqual(b.structuredContent);
    expect(c.structuredContent).toEqual(a.structuredContent);
    expect(stack.quoteCalls.length - before).toBe(1);

    const runs = [];
    for await (const wf of stack.client.workflow.list({
      query: `WorkflowId = "${keyedWorkflowId('stock_price', undefined, key)}"`,
    }))
      runs.push(wf.runId);
    expect(runs).toHaveLength(1);
  });

  it('refuses a reused key with different arguments', async () => {
    const key = `reuse-${Date.now()}`;
    await mcp.callTool({ name: 'stock_price', arguments: { symbol: 'IBM' }, _meta: { idempotencyKey: key } });
    const other = await mcp.callTool({
      name: 'stock_price',
      arguments: { symbol: 'KO' },
      _meta: { idempotencyKey: key },
    });
    expect(other.isError).toBe(true);
    expect((other.content as { text: string }[])[0]!.text).toMatch(
      /already used for stock_price with different arguments/,
    );
  });

  it('without a key, identical calls are separate executions', async () => {
    const before = stack.quoteCalls.length;
    await mcp.callTool({ name: 'stock_price', arguments: { symbol: 'KO' } });
    await mcp.callTool({ name: 'stock_price', arguments: { symbol: 'KO' } });
    expect(stack.quoteCalls.length - before).toBe(2);
  });
});

describe('bad input: a clear error, nothing crashes, the server keeps serving', () => {
  it('wrong types are a tool error naming the field', async () => {
    const res = await postMcp(
      stack.url,
      toolCall('calculate_roi', { principal: 'lots', annual_rate: 0.05, years: 10 }),
    );
    expect(res.status).toBe(200);
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(/principal/);
    await stillServing();
  });

  it('missing fields are a tool error naming the field', async () => {
    const res = await postMcp(stack.url, toolCall('calculate_roi', { principal: 1000, years: 10 }));
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(/annual_rate/);
    await stillServing();
  });

  it.each([
    [{ principal: 0, annual_rate: 0.05, years: 10 }, /principal must be greater than 0/],
    [{ principal: -5, annual_rate: 0.05, years: 10 }, /principal must be greater than 0/],
    [{ principal: 1000, annual_rate: -1, years: 10 }, /annual_rate must be greater than -1/],
    [{ principal: 1000, annual_rate: 0.05, years: -3 }, /years must be greater than 0/],
    [{ principal: 1000, annual_rate: 0.05, years: 5000 }, /years must be at most 100/],
  ])('out-of-range numbers are refused: %j', async (args, message) => {
    const res = await postMcp(stack.url, toolCall('calculate_roi', args));
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(message);
    await stillServing();
  });

  it('an unknown ticker is a tool error, not retried', async () => {
    const before = stack.quoteCalls.length;
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'ZZZZ' }));
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(/no sample quote for ZZZZ/);
    expect(stack.quoteCalls.length - before).toBe(1);
  });

  it('an unknown tool is a JSON-RPC protocol error (-32602), per MCP 2025-11-25', async () => {
    const res = await postMcp(stack.url, toolCall('buy_everything', {}));
    expect(res.status).toBe(200);
    expect(res.json.error.code).toBe(-32602);
    expect(res.json.error.message).toMatch(/Tool buy_everything not found/);
    await stillServing();
  });

  it('malformed JSON gets 400 with a parse error', async () => {
    const res = await postMcp(stack.url, '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(-32700);
    await stillServing();
  });

  it('a JSON-RPC batch gets 400', async () => {
    const res = await postMcp(stack.url, [
      toolCall('stock_price', { symbol: 'AAPL' }, 1),
      toolCall('stock_price', { symbol: 'MSFT' }, 2),
    ]);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/batches are not supported/);
    await stillServing();
  });

  it('a foreign Origin gets 403; loopback and configured origins are served', async () => {
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), {
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/Origin https:\/\/evil\.example is not allowed/);
    expect(
      (await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), { origin: 'http://localhost:3000' }))
        .status,
    ).toBe(200);
    expect(
      (await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), { origin: 'https://allowed.example' }))
        .status,
    ).toBe(200);
    await stillServing();
  });

  it('a body over the limit gets 413', async () => {
    const huge = toolCall('stock_price', { symbol: 'A'.repeat(2 * 1024 * 1024) });
    const res = await postMcp(stack.url, huge);
    expect(res.status).toBe(413);
    expect(res.json.error.message).toMatch(/Payload Too Large/);
    await stillServing();
  });

  it('an unsupported MCP-Protocol-Version gets 400; a supported one is served', async () => {
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), {
      'mcp-protocol-version': '1999-01-01',
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/Unsupported protocol version: 1999-01-01/);
    const ok = await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), {
      'mcp-protocol-version': '2025-11-25',
    });
    expect(ok.status).toBe(200);
    await stillServing();
  });

  it('GET /mcp gets 405 with Allow; a wrong Accept gets 406; a non-JSON body gets 415', async () => {
    const get = await fetch(stack.url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const accept = await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }), { accept: 'text/html' });
    expect(accept.status).toBe(406);
    const form = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
      body: 'hello',
    });
    expect(form.status).toBe(415);
    await stillServing();
  });

  it('a foreign Host header gets 403 (DNS rebinding)', async () => {
    const { request } = await import('undici');
    const res = await request(stack.url, {
      method: 'POST',
      headers: {
        host: 'evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(toolCall('stock_price', { symbol: 'AAPL' })),
    });
    expect(res.statusCode).toBe(403);
    await res.body.dump();
    await stillServing();
  });
});

describe('/healthz', () => {
  it('says Temporal is reachable', async () => {
    const res = await fetch(stack.url.replace(/\/mcp$/, '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
