/**
 * Resources and prompts (issue 30) on both servers, against real Temporal and real HTTP with real SDK clients: the SDK
 * v2 client at 2026-07-28 and the SDK v1 client on a 2025-era session list and read them; a quote runs stock_price's
 * workflow; a session reads by its Query in its caller's scope, so another caller's handle reads as not found, as an
 * unknown or closed one does; prompts/get and completion/complete answer from the definitions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as ModernStdioClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, type McpAuthConfig } from '../../shared/config';
import { TOOL_LIST_TTL_MS } from '../../shared/tools/nexus-service';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { SAMPLE_SYMBOLS } from '../../tool-workers/finance/quotes/sample';
import { financeResources } from '../../tool-workers/finance/resources';
import { itResources } from '../../tool-workers/it/resources';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import {
  connectHttpClient,
  connectModernClient,
  MODERN_PROTOCOL_VERSION,
  modernRequest,
  postMcp,
  type ModernClient,
} from '../support/mcp-client';

const ALICE = 'tok_alice_resources_0123456789';
const BOB = 'tok_bob_resources_0123456789ab';
const auth: McpAuthConfig = {
  staticTokens: [
    { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
    { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
  ],
};

const json = (r: { contents: unknown[] }) => JSON.parse((r.contents[0] as { text: string }).text);

let finance: FinanceStack;
let it2: ItStack;
let itHttp: RunningHttpServer;
let fin: ModernClient;
let alice: ModernClient;
let bob: ModernClient;
beforeAll(async () => {
  finance = await startFinanceStack();
  it2 = await startItStack();
  itHttp = await it2.startHttp({ auth: { config: auth } });
  fin = await connectModernClient(finance.url);
  alice = await connectModernClient(itHttp.url, { token: ALICE });
  bob = await connectModernClient(itHttp.url, { token: BOB });
});
afterAll(async () => {
  await Promise.all([fin, alice, bob].map((c) => c?.close()));
  await it2?.close();
  await finance?.close();
});

/** The SDK v1 client on a 2025-era session, with a bearer token when the server wants one. */
async function connectLegacy(url: string, token?: string): Promise<LegacyClient> {
  const client = new LegacyClient({ name: 'test-client-v1', version: '1.0.0' });
  const requestInit = token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
  await client.connect(new StreamableHTTPClientTransport(new URL(url), requestInit ? { requestInit } : {}));
  return client;
}

describe('finance resources', () => {
  it('lists the symbols resource and the quote template, with cache hints on the lists', async () => {
    const { resources } = await fin.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['finance://symbols']);
    const { resourceTemplates } = await fin.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['finance://quotes/{symbol}']);
    for (const method of ['resources/list', 'resources/templates/list', 'prompts/list']) {
      const { body, headers } = modernRequest(method);
      const res = await postMcp(finance.url, body, headers);
      expect(res.json.result, method).toMatchObject({ ttlMs: TOOL_LIST_TTL_MS, cacheScope: 'public' });
    }
  });

  it('reads the supported symbols, labelled sample data', async () => {
    const symbols = json(await fin.readResource({ uri: 'finance://symbols' }));
    expect(symbols.symbols).toEqual([...SAMPLE_SYMBOLS]);
    expect(symbols.source).toMatch(/sample data/);
  });

  it('reads a quote through the stock_price workflow, labelled sample data', async () => {
    const before = finance.quoteCalls.length;
    const quote = json(await fin.readResource({ uri: 'finance://quotes/msft' }));
    expect(quote).toMatchObject({ symbol: 'MSFT', currency: 'USD', source: expect.stringMatching(/sample data/) });
    // The worker's provider was asked once: the read ran as stock_price's workflow, on the finance worker.
    expect(finance.quoteCalls.slice(before)).toEqual(['MSFT']);
  });

  it('reads with a raw 2026-07-28 request, as curl sends it (Mcp-Name is the URI)', async () => {
    const { body, headers } = modernRequest('resources/read', { uri: 'finance://quotes/AAPL' });
    expect(headers['mcp-name']).toBe('finance://quotes/AAPL');
    const res = await postMcp(finance.url, body, headers);
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.json.result.contents[0].text)).toMatchObject({ symbol: 'AAPL' });
  });

  it('answers an unknown symbol as not found and a malformed one as invalid params', async () => {
    await expect(fin.readResource({ uri: 'finance://quotes/NOSUCH' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/no sample quote for NOSUCH/),
    });
    // SEP-2164: a URI the server has nothing at is -32602 with data.uri, on both servers.
    for (const client of [fin, alice]) {
      await expect(client.readResource({ uri: 'test://nonexistent' })).rejects.toMatchObject({
        code: -32602,
        data: { uri: 'test://nonexistent' },
      });
    }
    await expect(fin.readResource({ uri: 'finance://quotes/%24%24' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/symbol may contain only/),
    });
  });

  it('completes {symbol} from the sample symbols, case-insensitively', async () => {
    const r = await fin.complete({
      ref: { type: 'ref/resource', uri: 'finance://quotes/{symbol}' },
      argument: { name: 'symbol', value: 'goo' },
    });
    expect(r.completion.values).toEqual(['GOOGL', 'GOOG']);
    const all = await fin.complete({
      ref: { type: 'ref/resource', uri: 'finance://quotes/{symbol}' },
      argument: { name: 'symbol', value: '' },
    });
    expect(all.completion.values).toEqual([...SAMPLE_SYMBOLS]);
  });

  it('gives review_investment with its arguments, completes its symbol, refuses a bad amount', async () => {
    const { prompts } = await fin.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['review_investment']);
    expect(prompts[0]!.arguments?.map((a) => a.name)).toEqual(['symbol', 'amount', 'years']);
    const got = await fin.getPrompt({
      name: 'review_investment',
      arguments: { symbol: 'aapl', amount: '10000', years: '5' },
    });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toContain('10000 in AAPL for 5 years');
    expect(text).toContain('stock_price');
    expect(text).toContain('calculate_roi');
    expect(text).toContain('finance://quotes/AAPL');
    const c = await fin.complete({
      ref: { type: 'ref/prompt', name: 'review_investment' },
      argument: { name: 'symbol', value: 'ms' },
    });
    expect(c.completion.values).toEqual(['MSFT']);
    await expect(
      fin.getPrompt({ name: 'review_investment', arguments: { symbol: 'AAPL', amount: 'lots', years: '5' } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/amount must be a positive number/) });
  });

  it('lists and reads the same over a 2025-era session with the SDK v1 client', async () => {
    const legacy = await connectHttpClient(finance.url);
    try {
      expect((await legacy.listResources()).resources.map((r) => r.uri)).toEqual(['finance://symbols']);
      expect((await legacy.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual([
        'finance://quotes/{symbol}',
      ]);
      const quote = json(await legacy.readResource({ uri: 'finance://quotes/AAPL' }));
      expect(quote).toMatchObject({ symbol: 'AAPL', source: expect.stringMatching(/sample data/) });
      expect((await legacy.listPrompts()).prompts.map((p) => p.name)).toEqual(['review_investment']);
    } finally {
      await legacy.close();
    }
  });
});

describe('listed from the definitions', () => {
  it("each server lists exactly its domain's resource definitions, with their titles", async () => {
    for (const [client, defined] of [
      [fin, financeResources],
      [alice, itResources],
    ] as const) {
      const listed = [
        ...(await client.listResources()).resources,
        ...(await client.listResourceTemplates()).resourceTemplates,
      ];
      expect(listed.map((r) => [r.name, r.title]).sort()).toEqual(defined.map((d) => [d.name, d.title]).sort());
    }
  });
});

describe('IT resources', () => {
  async function openSession(client: ModernClient, project: string): Promise<string> {
    const r = await client.callTool({ name: 'set_jira_project', arguments: { project } });
    return (r.structuredContent as { session_id: string }).session_id;
  }

  it('lists the session and Jira templates and the incident prompt', async () => {
    const { resourceTemplates } = await alice.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['it://sessions/{session_id}', 'it://jira/{project}']);
    expect((await alice.listResources()).resources).toEqual([]);
    expect((await alice.listPrompts()).prompts.map((p) => p.name)).toEqual(['ip_incident_report']);
  });

  it("reads the caller's own session by its Query; another caller's, an unknown and a closed one read as not found", async () => {
    const handle = await openSession(alice, 'DEMO');
    const uri = `it://sessions/${handle}`;
    const state = json(await alice.readResource({ uri }));
    expect(state).toMatchObject({ session_id: handle, jira_project: 'DEMO', ip_history: [], ip_history_total: 0 });
    expect(state.last_used_at).toEqual(expect.any(String));
    expect(state).not.toHaveProperty('recent_request_ids');

    const notFound = { code: -32602, data: { uri } };
    await expect(bob.readResource({ uri })).rejects.toMatchObject(notFound);
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    await expect(bob.readResource({ uri: `it://sessions/${unknown}` })).rejects.toMatchObject({
      code: -32602,
      data: { uri: `it://sessions/${unknown}` },
    });
    // Bob's answer for Alice's handle is the answer for one that never existed, but for the handle itself.
    const bobsAnswer = await bob.readResource({ uri }).catch((e: Error) => e.message);
    const unknownAnswer = await bob.readResource({ uri: `it://sessions/${unknown}` }).catch((e: Error) => e.message);
    expect(String(bobsAnswer).replaceAll(handle, 'X')).toBe(String(unknownAnswer).replaceAll(unknown, 'X'));

    await alice.callTool({ name: 'close_session', arguments: { session_id: handle } });
    await expect(alice.readResource({ uri })).rejects.toMatchObject(notFound);
  });

  it("reads a Jira project's metrics as get_jira_metrics does; a bad key is invalid params", async () => {
    const metrics = json(await alice.readResource({ uri: 'it://jira/demo' }));
    const tool = await alice.callTool({ name: 'get_jira_metrics', arguments: { project: 'DEMO' } });
    expect(metrics).toEqual(tool.structuredContent);
    await expect(alice.readResource({ uri: 'it://jira/1nvalid' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/not a Jira project key/),
    });
  });

  it('gives ip_incident_report naming the session resource and the tools', async () => {
    const got = await alice.getPrompt({ name: 'ip_incident_report', arguments: { session_id: 'abc12345' } });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toContain('it://sessions/abc12345');
    expect(text).toContain('get_ip_history');
    expect(text).toContain('create_jira_issue');
    await expect(alice.getPrompt({ name: 'ip_incident_report', arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('reads a session over a 2025-era session with the SDK v1 client, bound to the caller', async () => {
    const handle = await openSession(alice, 'OPS');
    const legacyAlice = await connectLegacy(itHttp.url, ALICE);
    const legacyBob = await connectLegacy(itHttp.url, BOB);
    try {
      const state = json(await legacyAlice.readResource({ uri: `it://sessions/${handle}` }));
      expect(state).toMatchObject({ session_id: handle, jira_project: 'OPS' });
      await expect(legacyBob.readResource({ uri: `it://sessions/${handle}` })).rejects.toMatchObject({ code: -32602 });
    } finally {
      await legacyAlice.close();
      await legacyBob.close();
    }
  });
});

describe('stdio serves them too (the same server factory)', () => {
  async function withStdio<T>(entry: string, env: Record<string, string>, body: (c: ModernStdioClient) => Promise<T>) {
    const transport = new ModernStdioTransport({
      command: process.execPath,
      args: [path.join(projectRoot, 'bin', entry), '--transport', 'stdio'],
      cwd: mkdtempSync(path.join(tmpdir(), 'stdio-resources-')),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...env },
      stderr: 'pipe',
    });
    const client = new ModernStdioClient(
      { name: 'stdio-resources', version: '1' },
      { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
    );
    await client.connect(transport);
    try {
      return await body(client);
    } finally {
      await client.close();
    }
  }

  it('IT over stdio reads its own session by IT_SESSION_ID; finance reads a quote', async () => {
    const IT_SESSION_ID = `stdio-resources-${Date.now()}`;
    await withStdio('mcp-it.mjs', { ...it2.env, IT_SESSION_ID }, async (client) => {
      await client.callTool({ name: 'set_jira_project', arguments: { project: 'WEB' } });
      const state = json(await client.readResource({ uri: `it://sessions/${IT_SESSION_ID}` }));
      expect(state).toMatchObject({ session_id: IT_SESSION_ID, jira_project: 'WEB' });
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['ip_incident_report']);
    });
    await withStdio(
      'mcp-finance.mjs',
      { TEMPORAL_ADDRESS: it2.env.TEMPORAL_ADDRESS!, FINANCE_TASK_QUEUE: finance.taskQueue },
      async (client) => {
        const quote = json(await client.readResource({ uri: 'finance://quotes/IBM' }));
        expect(quote).toMatchObject({ symbol: 'IBM', source: expect.stringMatching(/sample data/) });
      },
    );
  });
});
