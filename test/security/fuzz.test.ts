/**
 * Hostile input changes nothing: over a thousand generated malformed or hostile messages to each MCP server (broken
 * JSON, wrong JSON-RPC shapes, huge strings, deep nesting, wrong types in every tool field, unknown methods, header
 * abuse). Every one gets an error answer, the server keeps serving, memory stays bounded, and the IT session the
 * messages aim at is unchanged. Generated from a fixed seed, so a failure reproduces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startToolServers, type ToolServers } from '../support/tool-servers';

let servers: ToolServers;
const http = new Agent({ connections: 8 });
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(async () => {
  await http.close();
  await servers?.close();
});

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

interface Probe {
  kind: string;
  body: string;
  headers?: Record<string, string>;
}

const BASE_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
const WRONG_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  'x',
  '',
  [],
  {},
  [1, 2],
  { nested: { deep: 1 } },
  'A'.repeat(5000),
  '\u0000\u202e\ud800',
];

function wrongTypedArguments(
  r: ReturnType<typeof prng>,
  schema: Record<string, { type?: string }>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema)) {
    // A value of any type but the declared one (strings get non-strings, numbers get non-numbers, ...).
    const candidates = WRONG_VALUES.filter((v) => {
      const t = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
      return prop.type === 'number' ? t !== 'number' : prop.type === 'string' ? t !== 'string' : true;
    });
    args[name] = r.pick(candidates);
  }
  if (Object.keys(schema).length === 0 || r.next() < 0.3) args[`extra_${r.int(100)}`] = r.pick(WRONG_VALUES);
  return args;
}

function generate(seed: number, count: number, tools: Record<string, Record<string, { type?: string }>>): Probe[] {
  const r = prng(seed);
  const valid = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'stock_price', arguments: { symbol: 'AAPL' } },
  });
  const makers: (() => Probe)[] = [
    () => ({ kind: 'broken-json', body: valid.slice(0, 1 + r.int(valid.length - 2)) }),
    () => ({
      kind: 'broken-json',
      body: Array.from({ length: 1 + r.int(200) }, () => String.fromCharCode(r.int(256))).join(''),
    }),
    () => ({
      kind: 'wrong-shape',
      body: JSON.stringify(
        r.pick([
          {},
          [],
          42,
          'x',
          null,
          { jsonrpc: '1.0', id: 1, method: 'tools/list' },
          { jsonrpc: '2.0', id: { o: 1 }, method: 'tools/list' },
          { jsonrpc: '2.0', id: 1, method: 7 },
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params: [1, 2] },
        ]),
      ),
    }),
    // A response the server never asked for: the spec answers 202 with no body, and it must change nothing.
    () => ({
      kind: 'stray-response',
      body: JSON.stringify({ jsonrpc: '2.0', id: r.int(1e6), result: r.pick([{}, { tools: [] }, { isError: true }]) }),
    }),
    () => ({
      kind: 'batch',
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ]),
    }),
    () => ({
      kind: 'unknown-method',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: r.int(1e6),
        method: r.pick(['tools/delete', 'admin/shutdown', '../../etc/passwd', 'resources/read', 'x'.repeat(300)]),
        params: {},
      }),
    }),
    () => ({
      kind: 'unknown-tool',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: r.pick(['rm_rf', '__proto__', 'constructor', '', 'stock_price\u0000']), arguments: {} },
      }),
    }),
    () => {
      const name = r.pick(Object.keys(tools));
      return {
        kind: 'wrong-types',
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 4,
          method: 'tools/call',
          params: { name, arguments: wrongTypedArguments(r, tools[name]!) },
        }),
      };
    },
    () => ({
      kind: 'proto-pollution',
      body: `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"calculate_roi","arguments":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}}}`,
    }),
    () => ({
      kind: 'deep-nesting',
      body: `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"stock_price","arguments":{"symbol":${'['.repeat(5000 + r.int(20000))}${']'.repeat(3)}}}}`,
    }),
    () => ({
      kind: 'huge-string',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: r.pick(Object.keys(tools)),
          arguments: { symbol: 'A'.repeat(200_000 + r.int(1_500_000)), project: 'B'.repeat(100_000) },
        },
      }),
    }),
    () => ({
      kind: 'header-content-type',
      body: valid,
      headers: {
        'content-type': r.pick(['text/plain', 'application/xml', 'multipart/form-data', 'application/json-patch+json']),
      },
    }),
    () => ({
      kind: 'header-accept',
      body: valid,
      headers: { accept: r.pick(['text/html', 'application/json', 'text/event-stream', '*/x']) },
    }),
    () => ({
      kind: 'header-protocol-version',
      body: valid,
      headers: { 'mcp-protocol-version': r.pick(['1999-01-01', 'latest', '2025-13-45', 'x'.repeat(200)]) },
    }),
    () => ({
      kind: 'header-origin',
      body: valid,
      headers: { origin: r.pick(['https://evil.example', 'null', 'http://127.0.0.1.evil.example', 'file://']) },
    }),
    () => ({
      kind: 'header-host',
      body: valid,
      headers: { host: r.pick(['evil.example', 'localhost.evil.example:80', '10.0.0.1']) },
    }),
  ];
  return Array.from({ length: count }, () => r.pick(makers)());
}

/** The heap that survives a full collection (vitest runs tests with --expose-gc). */
function retainedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (vitest.config.ts sets it) to measure retained memory');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** An error answer: an HTTP error status, a JSON-RPC error, or a tool error result. */
function isErrorAnswer(status: number, text: string): boolean {
  if (status >= 400) return true;
  try {
    const body = JSON.parse(text) as { error?: unknown; result?: { isError?: boolean } };
    return body.error !== undefined || body.result?.isError === true;
  } catch {
    return false;
  }
}

async function fire(url: string, probe: Probe, extraHeaders: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    dispatcher: http,
    headers: { ...BASE_HEADERS, ...extraHeaders, ...probe.headers },
    body: probe.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

const FINANCE_TOOLS = {
  stock_price: { symbol: { type: 'string' } },
  calculate_roi: {
    principal: { type: 'number' },
    annual_rate: { type: 'number' },
    years: { type: 'number' },
    compounding: { type: 'string' },
  },
};
const IT_TOOLS = {
  set_jira_project: { project: { type: 'string' } },
  get_jira_metrics: { project: { type: 'string' } },
  track_ip: {},
  get_ip_history: {},
  get_ip: {},
};

describe('hostile input', () => {
  it.each([
    ['finance', 1, FINANCE_TOOLS],
    ['it', 2, IT_TOOLS],
  ] as const)(
    '%s server: 1,200 hostile messages, every one answered with an error; the server keeps serving',
    { timeout: 300_000 },
    async (server, seed, tools) => {
      const url = server === 'finance' ? servers.finance.url : servers.itHttp.url;
      let sessionHeaders: Record<string, string> = {};
      let sessionId: string | undefined;
      if (server === 'it') {
        const init = await request(url, {
          method: 'POST',
          dispatcher: http,
          headers: BASE_HEADERS,
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
          }),
        });
        await init.body.dump();
        sessionId = String(init.headers['mcp-session-id']);
        sessionHeaders = { 'mcp-session-id': sessionId };
      }
      const before = sessionId ? await servers.it.sessions.state(sessionId) : undefined;
      // Generated first: the probes themselves (some megabytes each) are not what is measured.
      const probes = generate(seed, 1200, tools);
      const heapBefore = retainedHeap();

      const counts: Record<string, number> = {};
      const notErrors: string[] = [];
      for (const probe of probes) {
        counts[probe.kind] = (counts[probe.kind] ?? 0) + 1;
        // Half the IT probes carry the valid session, half a hostile session id.
        const hostileSession =
          server === 'it' && probe.body.length % 2 === 0
            ? { 'mcp-session-id': probe.body.length % 4 === 0 ? 'x'.repeat(5000) : 'no-such-session' }
            : sessionHeaders;
        const { status, text } = await fire(url, probe, hostileSession);
        const answered =
          probe.kind === 'stray-response' ? status === 202 || isErrorAnswer(status, text) : isErrorAnswer(status, text);
        if (!answered) notErrors.push(`${probe.kind} → ${status} ${text.slice(0, 200)}`);
      }
      expect(notErrors).toEqual([]);
      expect(Object.keys(counts).length).toBeGreaterThanOrEqual(14);
      process.stderr.write(`fuzz ${server}: ${probes.length} messages: ${JSON.stringify(counts)}\n`);

      // Still serving, memory bounded, and the session the messages aimed at is exactly as it was.
      const ok = await fire(
        url,
        { kind: 'valid', body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) },
        sessionHeaders,
      );
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text).result.tools.length).toBeGreaterThan(0);
      expect((await fetch(url.replace(/\/mcp$/, '/healthz'))).status).toBe(200);
      // What 1,200 hostile messages leave behind once garbage is collected: nothing that grows with them.
      expect(retainedHeap() - heapBefore).toBeLessThan(32 * 2 ** 20);
      if (sessionId) {
        const after = await servers.it.sessions.state(sessionId);
        expect({ ...after, last_used_at: '' }).toEqual({ ...before!, last_used_at: '' });
      }
    },
  );
});
