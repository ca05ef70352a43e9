/**
 * The public MCP conformance suite (@modelcontextprotocol/conformance) as a subprocess, and what the test needs around
 * it: the frozen requirement sets it ships, its per-scenario results, and a few facts about the server under test
 * (capabilities, tools, sessions) that decide which scenarios apply.
 *
 * The suite needs Node >= 22 and the project runs on Node 20, so it runs on the Node 22 of the `node` dev dependency
 * (node_modules/node/bin/node; the postinstall removes its node_modules/.bin shim so npm scripts keep Node 20).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../shared/config';

/** The spec revisions the suite ships requirement sets for, each run at its own wire (2025: initialize; 2026: `_meta`). */
export const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
export type Revision = (typeof REVISIONS)[number];

const packageDir = path.join(projectRoot, 'node_modules/@modelcontextprotocol/conformance');
export const conformanceCli = path.join(packageDir, 'dist/index.js');
export const node22 = path.join(projectRoot, 'node_modules/node/bin/node');

/** One check of a scenario, as the suite writes it to `<output-dir>/server-<scenario>-<timestamp>/checks.json`. */
export interface Check {
  id: string;
  name: string;
  description: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: Record<string, unknown>;
}

/** The server leg of `requirements/<revision>.yaml`: what `server --requirements <revision>` runs. */
export interface RequirementSet {
  revision: Revision;
  /** Scored: conformance to the revision requires them. */
  required: string[];
  /** Run and reported but never scored: extensions, scenarios added after the release, ones still pending. */
  notScored: { scenario: string; reason: string; note?: string }[];
  /** Everything the run executes, in the suite's order. */
  scenarios: string[];
}

export function requirementSet(revision: Revision): RequirementSet {
  const doc = parse(readFileSync(path.join(packageDir, 'requirements', `${revision}.yaml`), 'utf8')) as {
    server: string[];
    not_scored?: { scenario: string; leg: string; reason: string; note?: string }[];
  };
  const notScored = (doc.not_scored ?? [])
    .filter((e) => e.leg === 'server')
    .map(({ scenario, reason, note }) => ({ scenario, reason, note }));
  return { revision, required: doc.server, notScored, scenarios: [...doc.server, ...notScored.map((e) => e.scenario)] };
}

/** The suite's bundled source: used to reject a not-applicable entry naming a check id the suite does not emit. */
export function suiteSource(): string {
  return readFileSync(conformanceCli, 'utf8');
}

export interface SuiteRun {
  url: string;
  revision: Revision;
  /** 0 when every scored scenario passed, 1 otherwise (not-applicable scenarios fail, so expect 1); null if killed. */
  exitCode: number | null;
  /** The suite's stdout and stderr, for diagnosing a run that produced no results. */
  output: string;
  durationMs: number;
  /** Checks per scenario. */
  results: Map<string, Check[]>;
}

const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * Runs `conformance server --url <url> --requirements <revision>` and reads every scenario's checks.json.
 * Scenarios run one after another; against our servers a whole set takes a few seconds.
 */
export async function runSuite(
  url: string,
  revision: Revision,
  opts: { timeoutMs?: number; scenarioTimeoutMs?: number } = {},
): Promise<SuiteRun> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'mcp-conformance-'));
  const started = Date.now();
  try {
    const args = [conformanceCli, 'server', '--url', url, '--requirements', revision, '--output-dir', outputDir];
    args.push('--timeout', String(opts.scenarioTimeoutMs ?? 30_000));
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // nothing of vitest's or tsx's belongs in the suite's process
    const child = spawn(node22, args, { cwd: outputDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `conformance suite (${revision} against ${url}) still running after ${opts.timeoutMs ?? 120_000} ms:\n${output}`,
          ),
        );
      }, opts.timeoutMs ?? 120_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    const results = new Map<string, Check[]>();
    for (const entry of readdirSync(outputDir)) {
      const scenario = RESULT_DIR.exec(entry)?.[1];
      if (!scenario) continue;
      try {
        results.set(scenario, JSON.parse(readFileSync(path.join(outputDir, entry, 'checks.json'), 'utf8')) as Check[]);
      } catch {
        // no checks.json: the scenario threw, and the suite printed "Failed to run scenario …" instead
      }
    }
    return { url, revision, exitCode, output, durationMs: Date.now() - started, results };
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** What the server under test says about itself at one revision's wire. */
export interface ServerFacts {
  capabilities: Record<string, unknown>;
  tools: { name: string; inputSchema?: { properties?: Record<string, Record<string, unknown>> } }[];
  /** Names from prompts/list, when the server declares prompts. */
  prompts: string[];
  /** URIs from resources/list and URI templates from resources/templates/list, when the server declares resources. */
  resources: string[];
  resourceTemplates: string[];
  /** 2025 wire only: whether `initialize` was answered with an Mcp-Session-Id. */
  issuesSessions: boolean;
}

const CLIENT_INFO = { name: 'conformance-test-probe', version: '1.0.0' };

/** One JSON-RPC exchange over streamable HTTP; the answer may come as JSON or as an SSE stream. */
async function exchange(
  url: string,
  body: { id?: number; method: string; params?: unknown },
  headers: Record<string, string>,
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', ...body }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const messages = (res.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .filter(Boolean)
        .map((data) => JSON.parse(data) as Record<string, any>)
    : text
      ? [JSON.parse(text) as Record<string, any>]
      : [];
  const message = messages.find((m) => m.id === body.id);
  if (body.id !== undefined && !message?.result) {
    throw new Error(
      `${body.method}: HTTP ${res.status}, ${message?.error ? `error ${JSON.stringify(message.error)}` : `no result in ${JSON.stringify(text.slice(0, 300))}`}`,
    );
  }
  return { res, result: (message?.result ?? {}) as Record<string, any> };
}

/**
 * Asks the server for its capabilities, tools, prompts and resources the way a client of that revision would
 * (2026-07-28: `server/discover` and per-request `_meta`; 2025-11-25: `initialize`, then the session if one is issued,
 * deleted at the end).
 */
export async function probeServer(url: string, revision: Revision): Promise<ServerFacts> {
  let id = 1;
  let capabilities: Record<string, any>;
  let call: (method: string) => Promise<Record<string, any>>;
  let sessionHeaders: Record<string, string> | undefined;
  let initialized: (() => Promise<unknown>) | undefined;
  if (revision === '2026-07-28') {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': revision,
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    call = async (method) =>
      (
        await exchange(
          url,
          { id: id++, method, params: { _meta: meta } },
          { 'mcp-protocol-version': revision, 'mcp-method': method },
        )
      ).result;
    capabilities = (await call('server/discover')).capabilities ?? {};
  } else {
    const init = await exchange(
      url,
      {
        id: id++,
        method: 'initialize',
        params: { protocolVersion: revision, capabilities: {}, clientInfo: CLIENT_INFO },
      },
      {},
    );
    const sessionId = init.res.headers.get('mcp-session-id');
    const headers: Record<string, string> = {
      'mcp-protocol-version': revision,
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    };
    if (sessionId) sessionHeaders = headers;
    call = async (method) => (await exchange(url, { id: id++, method, params: {} }, headers)).result;
    capabilities = init.result.capabilities ?? {};
    initialized = () => exchange(url, { method: 'notifications/initialized' }, headers);
  }
  try {
    await initialized?.();
    const names = (items: unknown, key: string) =>
      Array.isArray(items) ? items.map((i: Record<string, unknown>) => String(i[key])) : [];
    return {
      capabilities,
      tools: (await call('tools/list')).tools ?? [],
      prompts: capabilities.prompts ? names((await call('prompts/list')).prompts, 'name') : [],
      resources: capabilities.resources ? names((await call('resources/list')).resources, 'uri') : [],
      resourceTemplates: capabilities.resources
        ? names((await call('resources/templates/list')).resourceTemplates, 'uriTemplate')
        : [],
      issuesSessions: sessionHeaders !== undefined,
    };
  } finally {
    if (sessionHeaders) await fetch(url, { method: 'DELETE', headers: sessionHeaders }).catch(() => undefined);
  }
}
