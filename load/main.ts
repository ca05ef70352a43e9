/**
 * `npm run load [-- --quick] [-- --json]`: the system under load, on loopback only, bounded in count and in time.
 * Starts its own in-memory Temporal dev server on free ports and the real workers and MCP servers as separate
 * processes (as `npm run services` and the benchmark do), warms up, then runs three workloads one after the other:
 *
 * 1. IT: concurrent sessions on the 2026-07-28 path with handles, each a virtual client making a fixed number of mixed
 *    writes and reads as raw POSTs (the `_meta` envelope, the Mcp-* headers) over one pooled undici Agent. Each
 *    session is opened by its first `set_jira_project` without `session_id`. Every client records what it wrote and
 *    checks each read against it (a read after a write must see it); at the end every session's final state is
 *    compared with the client's record over HTTP (`get_ip_history`, `get_jira_metrics`) and by Query.
 * 2. Finance: `calculate_roi` and `stock_price` at a fixed concurrency, every answer checked.
 * 3. Conversations: concurrent conversations (offline planner) of sample questions that use tools, each reply checked
 *    for its tool call, and the conversation's IT session compared with what its turns wrote.
 *
 * Prints a markdown table per workload (errors, p50/p99, throughput, state mismatches); `--json` also writes
 * load-results/load-<time>.json. Exits non-zero on any error or mismatch. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { modernRequest } from '../shared/mcp/modern-request';
import { Client, WorkflowClient } from '@temporalio/client';
import { Agent, request } from 'undici';
import { summarize, throughput, type Summary } from '../bench/stats';
import { parseConfig, projectRoot } from '../shared/config';
import { freePort } from '../shared/free-port';
import { ServiceProcess } from '../shared/launcher/service-process';
import { systemServices } from '../shared/launcher/services';
import { createLogger } from '../shared/logger';
import { runMain } from '../shared/main';
import { connectClient } from '../shared/temporal/connection';
import { startOrReuseTemporal } from '../shared/temporal/local-service';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { Conversations, conversationInput, type ConversationHandle } from '../orchestrator/conversations';
import { createAgentsPlugin } from '../orchestrator/plugin';
import type { TurnReply } from '../orchestrator/shared';
import { itSessionWorkflowId } from '../tool-workers/it/sessions';
import { compoundGrowth } from '../tool-workers/finance/roi';
import { SampleQuoteProvider } from '../tool-workers/finance/quotes/sample';
import { sessionStateQuery, type ItSessionState } from '../tool-workers/it/shared';

const CALL_TIMEOUT_MS = 60_000;
const TURN_TIMEOUT_MS = 120_000;

interface Plan {
  sessions: number;
  callsPerSession: number;
  financeCalls: number;
  financeConcurrency: number;
  conversations: number;
  turns: number;
  /** The whole run, start-up included, is stopped (and fails) after this long. */
  maxMinutes: number;
}

const FULL: Plan = {
  sessions: 200,
  callsPerSession: 50,
  financeCalls: 500,
  financeConcurrency: 64,
  conversations: 20,
  turns: 10,
  maxMinutes: 12,
};
const QUICK: Plan = {
  sessions: 40,
  callsPerSession: 20,
  financeCalls: 120,
  financeConcurrency: 32,
  conversations: 5,
  turns: 10,
  maxMinutes: 6,
};

/** Deterministic choices, so a run can be repeated call for call (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latencies and failures of one kind of call. */
class Recorder {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly firstErrors: string[] = [];

  async time<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      const result = await fn();
      const list = this.samples.get(kind) ?? [];
      list.push(Number(process.hrtime.bigint() - start) / 1e6);
      this.samples.set(kind, list);
      return result;
    } catch (err) {
      this.fail(kind, err);
      throw err;
    }
  }

  fail(kind: string, err: unknown): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (this.firstErrors.length < 10)
      this.firstErrors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 400));
  }

  kinds(): string[] {
    return [...new Set([...this.samples.keys(), ...this.errors.keys()])];
  }

  all(): number[] {
    return [...this.samples.values()].flat();
  }

  errorCount(): number {
    return [...this.errors.values()].reduce((s, n) => s + n, 0);
  }
}

interface Row {
  workload: string;
  calls: number;
  errors: number;
  latency?: Summary;
  perSecond?: number;
  wallSeconds?: number;
  checked?: string;
  mismatches?: number;
}

class CallFailed extends Error {
  override name = 'CallFailed';
}

runMain('load', async () => {
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } },
    strict: true,
  });
  const plan = values.quick ? QUICK : FULL;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const log = createLogger('load', 'warn');
  installTemporalRuntime(log, 'WARN');
  const runStart = Date.now();

  // Everything on loopback, on ports free right now: a Temporal of its own, never TEMPORAL_ADDRESS.
  const [temporalPort, uiPort, financePort, itPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dma-load-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ENV_FILE: '/nonexistent',
    LOG_LEVEL: 'warn',
    MCP_HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DATA_DIR: dataDir,
    FINANCE_MCP_PORT: String(financePort),
    IT_MCP_PORT: String(itPort),
    FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
    LLM_MODEL: 'offline',
    QUOTE_PROVIDER: 'sample',
    JIRA_PROVIDER: 'sample',
    WEATHER_PROVIDER: 'sample',
    CHAT_USER: 'load',
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
  };
  const config = parseConfig(env);

  // Warnings of the services go to stderr, the first few of each; all are counted and reported.
  const warnings = new Map<string, number>();
  const echo = (name: string) => (line: string) => {
    if (!/^\[[^\]]+\] (WARN|ERROR|FATAL)\b/.test(line)) return;
    const n = (warnings.get(name) ?? 0) + 1;
    warnings.set(name, n);
    if (n <= 5) say(line.slice(0, 600));
    else if (n === 6) say(`[${name}] (further warnings counted, not shown)`);
  };

  say(`load: starting Temporal (in memory) and the services${values.quick ? ' (--quick)' : ''}…`);
  const temporal = await startOrReuseTemporal(config, log, { detached: true, logToFile: true, inMemory: true });
  const services = systemServices(config).map((spec) => new ServiceProcess(spec, env, echo(spec.name)));
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const s of [...services].reverse()) await s.stop();
      await temporal.stop();
    })());
  process.once('exit', () => {
    for (const s of services) s.killNow();
    temporal.server?.process.kill('SIGKILL');
  });
  // Bounded in time: past the limit the run stops, says where it was, and fails.
  let phase = 'start-up';
  const watchdog = setTimeout(() => {
    say(`load: still running after ${plan.maxMinutes} min (in ${phase}); stopping, the run failed`);
    void stopAll().finally(() => process.exit(2));
  }, plan.maxMinutes * 60_000);

  const http = new Agent({
    keepAliveTimeout: 30_000,
    connections: Math.max(256, plan.sessions + plan.financeConcurrency),
    pipelining: 1,
  });
  const connection = await connectClient(config.temporal);
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  let failed = false;
  try {
    await Promise.all(services.map((s) => s.waitUntilReady(300_000)));
    say(`load: everything ready after ${((Date.now() - runStart) / 1000).toFixed(0)} s`);
    const financeUrl = env.FINANCE_MCP_URL!;
    const itUrl = env.IT_MCP_URL!;
    const itWorkflows = new WorkflowClient({
      connection,
      namespace: config.temporal.namespaces.it,
      queryRejectCondition: 'NOT_OPEN',
    });
    const itState = (handle: string) => itWorkflows.getHandle(itSessionWorkflowId(handle)).query(sessionStateQuery);

    let rpcId = 0;
    /** One 2026-07-28 tools/call as a raw POST: the `_meta` envelope and the MCP-Protocol-Version, Mcp-Method, Mcp-Name headers. */
    async function callTool(url: string, name: string, args: Record<string, unknown>): Promise<Record<string, any>> {
      const { body: rpc, headers } = modernRequest('tools/call', { name, arguments: args }, ++rpcId, 'load');
      const res = await request(url, {
        method: 'POST',
        dispatcher: http,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        headers,
        body: JSON.stringify(rpc),
      });
      const text = await res.body.text();
      let body: {
        result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };
        error?: unknown;
      };
      try {
        body = JSON.parse(text);
      } catch {
        throw new CallFailed(`${name}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`);
      }
      if (res.statusCode !== 200 || body.error || body.result?.isError || !body.result?.structuredContent) {
        throw new CallFailed(
          `${name}: HTTP ${res.statusCode} ${JSON.stringify(body.error ?? body.result).slice(0, 300)}`,
        );
      }
      return body.result.structuredContent;
    }

    // Warm-up, not measured: the first calls of each kind pay for connections, caches and the workers' first tasks.
    phase = 'warm-up';
    say('load: warm-up');
    {
      const opened = await callTool(itUrl, 'set_jira_project', { project: 'DEMO' });
      const session_id = String(opened.session_id);
      for (let i = 0; i < 3; i++) {
        await callTool(itUrl, 'track_ip', { session_id });
        await callTool(itUrl, 'get_ip_history', { session_id });
        await callTool(itUrl, 'get_jira_metrics', { session_id });
      }
      await callTool(itUrl, 'close_session', { session_id });
      await throughput(
        () => callTool(financeUrl, 'calculate_roi', { principal: 1000, annual_rate: 0.05, years: 10 }),
        8,
        24,
      );
      await throughput(() => callTool(financeUrl, 'stock_price', { symbol: 'AAPL' }), 8, 24);
    }

    // ---------------------------------------------------------------- 1. IT sessions
    phase = 'IT sessions';
    say(`load: 1/3 IT, ${plan.sessions} concurrent sessions × ${plan.callsPerSession} calls`);
    const projects = ['DEMO', 'OPS', 'WEB', 'MOBILE', 'DATA'];
    interface ClientRecord {
      index: number;
      handle?: string;
      project?: string;
      tracks: number;
      writes: number;
      /** A write failed: whether it was applied is unknown, so the final state is not compared (the error counts). */
      uncertain: boolean;
      staleReads: string[];
    }
    const it = new Recorder();
    const records: ClientRecord[] = [];
    const itStart = Date.now();
    await Promise.all(
      Array.from({ length: plan.sessions }, async (_, index) => {
        const random = rng(0x5eed + index);
        const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
        const record: ClientRecord = { index, tracks: 0, writes: 0, uncertain: false, staleReads: [] };
        records.push(record);
        const projectArg = (key: string) => (random() < 0.25 ? `${key}-${1 + Math.floor(random() * 999)}` : key); // an issue key selects its project
        // The first call opens the session: set_jira_project without session_id.
        const first = pick(projects);
        try {
          const opened = await it.time('set_jira_project (opens)', () =>
            callTool(itUrl, 'set_jira_project', { project: projectArg(first) }),
          );
          record.handle = String(opened.session_id);
          record.project = first;
          record.writes++;
        } catch {
          return; // counted by the recorder; this client's other calls are not made
        }
        const session_id = record.handle;
        for (let call = 1; call < plan.callsPerSession; call++) {
          const r = random();
          try {
            if (r < 0.25) {
              const key = pick(projects);
              const out = await it.time('set_jira_project', () =>
                callTool(itUrl, 'set_jira_project', { project: projectArg(key), session_id }).catch((err) => {
                  record.uncertain = true;
                  throw err;
                }),
              );
              record.project = key;
              record.writes++;
              if (out.jira_project !== key)
                record.staleReads.push(`set_jira_project answered ${out.jira_project}, wrote ${key}`);
            } else if (r < 0.45) {
              const out = await it.time('track_ip', () =>
                callTool(itUrl, 'track_ip', { session_id }).catch((err) => {
                  record.uncertain = true;
                  throw err;
                }),
              );
              record.tracks++;
              record.writes++;
              if (out.history_length !== record.tracks)
                record.staleReads.push(
                  `track_ip answered history_length ${out.history_length}, tracked ${record.tracks}`,
                );
            } else if (r < 0.75) {
              const out = await it.time('get_ip_history', () => callTool(itUrl, 'get_ip_history', { session_id }));
              const entries = (out.entries as unknown[]).length;
              if (out.total_tracked !== record.tracks || entries !== Math.min(record.tracks, 1000)) {
                record.staleReads.push(
                  `get_ip_history: total_tracked ${out.total_tracked}, entries ${entries}; tracked ${record.tracks}`,
                );
              }
            } else {
              const out = await it.time('get_jira_metrics', () => callTool(itUrl, 'get_jira_metrics', { session_id }));
              if (out.project !== record.project)
                record.staleReads.push(`get_jira_metrics: project ${out.project}, last written ${record.project}`);
            }
          } catch {
            // counted by the recorder; the client carries on with its next call
          }
        }
      }),
    );
    const itSeconds = (Date.now() - itStart) / 1000;

    // Final state of every session against its client's record: over HTTP, and directly by Query.
    say('load: 1/3 IT, checking every session’s final state');
    const finalMismatches: string[] = [];
    let compared = 0;
    let uncertain = 0;
    let next = 0;
    const opened = records.filter((r) => r.handle !== undefined);
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < opened.length) {
          const record = opened[next++]!;
          if (record.uncertain) {
            uncertain++;
            continue;
          }
          const problems: string[] = [];
          try {
            const session_id = record.handle!;
            const [history, metrics, state] = await Promise.all([
              callTool(itUrl, 'get_ip_history', { session_id }),
              callTool(itUrl, 'get_jira_metrics', { session_id }),
              itState(session_id) as Promise<ItSessionState>,
            ]);
            if (history.total_tracked !== record.tracks)
              problems.push(`get_ip_history total_tracked ${history.total_tracked} ≠ ${record.tracks} track_ip calls`);
            if (metrics.project !== record.project)
              problems.push(`get_jira_metrics project ${metrics.project} ≠ last written ${record.project}`);
            if (state.jira_project !== record.project)
              problems.push(`query jira_project ${state.jira_project} ≠ ${record.project}`);
            if (state.ip_history_total !== record.tracks)
              problems.push(`query ip_history_total ${state.ip_history_total} ≠ ${record.tracks}`);
            if (state.operations !== record.writes)
              problems.push(
                `query operations ${state.operations} ≠ ${record.writes} writes (a write applied twice or lost)`,
              );
          } catch (err) {
            problems.push(`could not read it: ${(err as Error).message}`);
          }
          compared++;
          if (problems.length)
            finalMismatches.push(`session #${record.index} ${record.handle}: ${problems.join('; ')}`);
        }
      }),
    );
    const staleReads = records.flatMap((r) => r.staleReads.map((s) => `session #${r.index}: ${s}`));
    const itCalls = it.all().length + it.errorCount();
    rows.push({
      workload: `IT: ${plan.sessions} sessions × ${plan.callsPerSession} calls (2026-07-28, handles)`,
      calls: itCalls,
      errors: it.errorCount(),
      latency: summarize(it.all()),
      perSecond: it.all().length / itSeconds,
      wallSeconds: itSeconds,
      checked: `${compared} sessions' final state (HTTP + Query)${uncertain ? `, ${uncertain} skipped after a failed write` : ''}; every read against the writes before it`,
      mismatches: finalMismatches.length + staleReads.length,
    });
    for (const kind of it.kinds()) {
      const samples = it.samples.get(kind) ?? [];
      rows.push({
        workload: `· ${kind}`,
        calls: samples.length + (it.errors.get(kind) ?? 0),
        errors: it.errors.get(kind) ?? 0,
        latency: summarize(samples),
        perSecond: samples.length / itSeconds,
      });
    }
    details.it = {
      finalMismatches: finalMismatches.slice(0, 20),
      staleReads: staleReads.slice(0, 20),
      staleReadCount: staleReads.length,
      errors: it.firstErrors,
    };

    // ---------------------------------------------------------------- 2. Finance
    phase = 'finance';
    say(`load: 2/3 Finance, ${plan.financeCalls} calls at concurrency ${plan.financeConcurrency}`);
    const finance = new Recorder();
    const quotes = new SampleQuoteProvider();
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'GOOGL', 'AMZN', 'IBM', 'KO', 'SPY'];
    const wrongAnswers: string[] = [];
    let issued = 0;
    const financeStart = Date.now();
    await Promise.all(
      Array.from({ length: plan.financeConcurrency }, async () => {
        while (issued < plan.financeCalls) {
          const i = issued++;
          try {
            if (i % 2 === 0) {
              const input = {
                principal: 1000 + (i % 97) * 250,
                annual_rate: 0.01 + (i % 9) / 100,
                years: 1 + (i % 30),
                compounding: 'yearly' as const,
              };
              const out = await finance.time('calculate_roi', () => callTool(financeUrl, 'calculate_roi', input));
              const expected = compoundGrowth(input).final_value;
              if (out.final_value !== expected)
                wrongAnswers.push(`calculate_roi ${JSON.stringify(input)}: ${out.final_value} ≠ ${expected}`);
            } else {
              const symbol = symbols[i % symbols.length]!;
              const out = await finance.time('stock_price', () => callTool(financeUrl, 'stock_price', { symbol }));
              const expected = await quotes.quote(symbol);
              if (out.symbol !== symbol || out.price !== expected.price)
                wrongAnswers.push(`stock_price ${symbol}: ${out.symbol} ${out.price} ≠ ${expected.price}`);
            }
          } catch {
            // counted by the recorder
          }
        }
      }),
    );
    const financeSeconds = (Date.now() - financeStart) / 1000;
    rows.push({
      workload: `Finance: ${plan.financeCalls} calls at concurrency ${plan.financeConcurrency}`,
      calls: finance.all().length + finance.errorCount(),
      errors: finance.errorCount(),
      latency: summarize(finance.all()),
      perSecond: finance.all().length / financeSeconds,
      wallSeconds: financeSeconds,
      checked: 'every answer against the sample quote / the ROI formula',
      mismatches: wrongAnswers.length,
    });
    for (const kind of finance.kinds()) {
      const samples = finance.samples.get(kind) ?? [];
      rows.push({
        workload: `· ${kind}`,
        calls: samples.length + (finance.errors.get(kind) ?? 0),
        errors: finance.errors.get(kind) ?? 0,
        latency: summarize(samples),
        perSecond: samples.length / financeSeconds,
      });
    }
    details.finance = { wrongAnswers: wrongAnswers.slice(0, 20), errors: finance.firstErrors };

    // ---------------------------------------------------------------- 3. Conversations
    phase = 'conversations';
    say(`load: 3/3 conversations, ${plan.conversations} concurrent × ${plan.turns} turns (offline planner)`);
    const { orchestrator } = config;
    const conversations = new Conversations(
      new Client({
        connection,
        namespace: config.temporal.namespaces.orchestrator,
        plugins: [createAgentsPlugin(orchestrator)],
      }),
      orchestrator.taskQueue,
      conversationInput(orchestrator, { model: 'offline' }),
    );
    /** A script of sample questions that use tools: what each must call, and what it writes to the IT session. */
    const script = (c: number): { text: string; tool: string; project?: string; tracks?: boolean }[] => {
      const first = projects[c % projects.length]!;
      // A bare key the planner's vocabulary knows as a word (DATA) is not taken for a project key: bare keys from the others.
      const second = ['DEMO', 'OPS', 'WEB', 'MOBILE'][(c + 2) % 4]!;
      const symbol = symbols[c % symbols.length]!;
      const questions = [
        { text: `Set the JIRA project to ${first}-123`, tool: 'set_jira_project', project: first },
        { text: `What is the stock price of ${symbol}?`, tool: 'stock_price' },
        { text: 'Track my IP address', tool: 'track_ip', tracks: true },
        { text: 'Calculate the ROI for $10000 invested at 5% for 10 years', tool: 'calculate_roi' },
        { text: 'Get JIRA metrics', tool: 'get_jira_metrics' },
        { text: 'Calculate 15 * 23', tool: 'calculator' },
        { text: 'Show me the IP history', tool: 'get_ip_history' },
        { text: `Set the JIRA project to ${second}`, tool: 'set_jira_project', project: second },
        { text: 'What is my IP address?', tool: 'get_ip' },
        { text: 'Track my IP address', tool: 'track_ip', tracks: true },
        { text: "What's the weather in New York?", tool: 'weather' },
        { text: 'Get JIRA metrics', tool: 'get_jira_metrics' },
      ];
      return Array.from({ length: plan.turns }, (_, t) => questions[t % questions.length]!);
    };
    const turns = new Recorder();
    let turnsSent = 0;
    const conversationMismatches: string[] = [];
    const conversationsStart = Date.now();
    await Promise.all(
      Array.from({ length: plan.conversations }, async (_, c) => {
        let conversation: ConversationHandle;
        try {
          conversation = await conversations.start(`load-${c}-${randomUUID()}`);
        } catch (err) {
          turns.fail('start', err);
          return;
        }
        const expected = { project: undefined as string | undefined, tracks: 0, writes: 0 };
        let writeFailed = false;
        for (const step of script(c)) {
          let reply: TurnReply;
          turnsSent++;
          try {
            reply = await turns.time('turn', () =>
              Promise.race([
                conversations.send(conversation, step.text),
                new Promise<never>((_, reject) =>
                  setTimeout(
                    () => reject(new Error(`no reply within ${TURN_TIMEOUT_MS / 1000} s`)),
                    TURN_TIMEOUT_MS,
                  ).unref(),
                ),
              ]),
            );
          } catch {
            if (step.project || step.tracks) writeFailed = true;
            continue;
          }
          const calls = reply.toolCalls;
          if (calls.length !== 1 || calls[0]!.tool !== step.tool || !calls[0]!.ok) {
            turns.fail(
              'turn',
              new Error(
                `"${step.text}" → ${JSON.stringify(calls.map((t) => ({ tool: t.tool, ok: t.ok, summary: t.summary })))}: ${reply.reply.slice(0, 200)}`,
              ),
            );
            if (step.project || step.tracks) writeFailed = true;
            continue;
          }
          if (step.project) expected.project = step.project;
          if (step.tracks) expected.tracks++;
          if (step.project || step.tracks) expected.writes++;
        }
        // The conversation's IT session against what its turns wrote.
        try {
          const transcript = await conversations.transcript(conversation);
          if (transcript.turns !== plan.turns)
            conversationMismatches.push(`conversation #${c}: ${transcript.turns} turns recorded, ${plan.turns} sent`);
          if (!writeFailed && expected.writes > 0) {
            if (!transcript.itSessionId)
              conversationMismatches.push(`conversation #${c}: no IT session after ${expected.writes} IT writes`);
            else {
              const state = await itState(transcript.itSessionId);
              if (
                state.jira_project !== expected.project ||
                state.ip_history_total !== expected.tracks ||
                state.operations !== expected.writes
              ) {
                conversationMismatches.push(
                  `conversation #${c}: IT session has project ${state.jira_project}, ${state.ip_history_total} IPs, ${state.operations} writes; ` +
                    `its turns wrote ${expected.project}, ${expected.tracks}, ${expected.writes}`,
                );
              }
            }
          }
          await conversations.end(conversation, 'load run done');
        } catch (err) {
          conversationMismatches.push(`conversation #${c}: could not check it: ${(err as Error).message}`);
        }
      }),
    );
    const conversationSeconds = (Date.now() - conversationsStart) / 1000;
    rows.push({
      workload: `Conversations: ${plan.conversations} × ${plan.turns} turns (offline planner, tools)`,
      calls: turnsSent,
      errors: turns.errorCount(),
      latency: summarize(turns.all()),
      perSecond: turns.all().length / conversationSeconds,
      wallSeconds: conversationSeconds,
      checked: "each turn's tool call; each conversation's IT session (project, IPs, writes) and turn count",
      mismatches: conversationMismatches.length,
    });
    details.conversations = { mismatches: conversationMismatches.slice(0, 20), errors: turns.firstErrors };
  } catch (err) {
    failed = true;
    say(`load: stopped in ${phase}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    phase = 'shutdown';
    await http.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await stopAll();
    clearTimeout(watchdog);
  }

  const fmt = (x?: number, digits = 1) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const totalSeconds = (Date.now() - runStart) / 1000;
  const lines = [
    `machine: ${machine}; whole run ${totalSeconds.toFixed(0)} s${values.quick ? ' (--quick)' : ''}`,
    '',
    '| workload | calls | errors | p50 (ms) | p99 (ms) | throughput (calls/s) | wall (s) | state checked | mismatches |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.calls} | ${r.errors} | ${fmt(r.latency?.p50)} | ${fmt(r.latency?.p99)} | ${fmt(r.perSecond)} | ${fmt(r.wallSeconds, 0)} | ${r.checked ?? ''} | ${r.mismatches ?? ''} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const [name, n] of warnings) say(`load: ${name} logged ${n} warning or error line(s)`);
  for (const [workload, d] of Object.entries(details)) {
    for (const [key, list] of Object.entries(d as Record<string, unknown>)) {
      if (Array.isArray(list) && list.length)
        say(`load: ${workload} ${key} (first ${list.length}):\n  ${list.join('\n  ')}`);
    }
  }
  const errors = rows.filter((r) => !r.workload.startsWith('·')).reduce((s, r) => s + r.errors, 0);
  const mismatches = rows.reduce((s, r) => s + (r.mismatches ?? 0), 0);
  const ok = !failed && rows.length > 0 && errors === 0 && mismatches === 0;
  if (values.json) {
    const dir = path.join(projectRoot, 'load-results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          machine,
          at: new Date().toISOString(),
          quick: values.quick,
          plan,
          totalSeconds,
          ok,
          rows,
          details,
          warnings: Object.fromEntries(warnings),
        },
        null,
        2,
      ),
    );
    say(`load: wrote ${file}`);
  }
  // The dev server's log stays for a failed run.
  if (ok) rmSync(dataDir, { recursive: true, force: true });
  else say(`load: the Temporal dev server's log: ${path.join(dataDir, 'temporal-dev-server.log')}`);
  say(
    ok
      ? 'load: 0 errors, 0 mismatches'
      : `load: FAILED (${errors} errors, ${mismatches} mismatches${failed ? ', the run stopped early' : ''})`,
  );
  process.exit(ok ? 0 : 1);
});
