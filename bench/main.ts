/**
 * `npm run bench [-- --json] [-- --quick]`: the cost of durability, side by side, in one run. Starts a Temporal dev
 * server (or uses TEMPORAL_ADDRESS), the real workers and MCP servers as separate processes (as `npm run services`
 * does), warms up, then measures each goal as a ratio against its baseline in the same run. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MCPServerStreamableHttp } from '@openai/agents-core';
import { Client } from '@temporalio/client';
import { StatelessMCPServerProvider } from '@temporalio/openai-agents';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Agent, request } from 'undici';
import { parseConfig, projectRoot } from '../shared/config';
import { freePort } from '../shared/free-port';
import { createLogger } from '../shared/logger';
import { runMain } from '../shared/main';
import { ServiceProcess } from '../shared/launcher/service-process';
import { systemServices, type ServiceName } from '../shared/launcher/services';
import { connectClient } from '../shared/temporal/connection';
import { startOrReuseTemporal } from '../shared/temporal/local-service';
import { createOrchestratorActivities } from '../orchestrator/activities';
import { Conversations, conversationInput } from '../orchestrator/conversations';
import { McpClientPool } from '../orchestrator/mcp/client-pool';
import { createAgentsPlugin } from '../orchestrator/plugin';
import { SampleWeatherProvider } from '../orchestrator/tools/weather';
import { sessionStateQuery, setJiraProjectSignal } from '../tool-workers/it/shared';
import { itSessionWorkflowId } from '../mcp-servers/it/sessions';
import { interleaved, summarize, throughput, type Summary } from './stats';

interface Row {
  goal: string;
  baseline: string;
  ours: string;
  base?: Summary;
  mine?: Summary;
  ratio?: number;
  target: string;
  met?: boolean;
  note?: string;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

const ts = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

runMain('bench', async () => {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } }, strict: true });
  const scale = values.quick ? 0.25 : 1;
  const N = (n: number) => Math.max(10, Math.round(n * scale));
  const log = createLogger('bench', 'info');
  const say = (line: string) => process.stderr.write(`${line}\n`);

  const [temporalPort, uiPort, financePort, itPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ENV_FILE: '/nonexistent',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dma-bench-')),
    FINANCE_MCP_PORT: String(financePort),
    IT_MCP_PORT: String(itPort),
    FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
  };
  const config = parseConfig(env);
  say('bench: starting Temporal and the services (the workers bundle their workflows first)…');
  const temporal = await startOrReuseTemporal(config, log, { detached: true, logToFile: true, inMemory: true });
  const services = new Map<ServiceName, ServiceProcess>();
  for (const spec of systemServices(config)) services.set(spec.name, new ServiceProcess(spec, env, (l) => (/\b(WARN|ERROR|FATAL)\b/.test(l) ? say(l) : undefined)));
  const stopAll = async () => {
    for (const s of [...services.values()].reverse()) await s.stop();
    await temporal.stop();
  };
  process.once('exit', () => {
    for (const s of services.values()) s.killNow();
    temporal.server?.process.kill('SIGKILL');
  });

  const rows: Row[] = [];
  const connection = await connectClient(config.temporal);
  const http = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  try {
    await Promise.all([...services.values()].map((s) => s.waitUntilReady(300_000)));
    const finance = new Client({ connection, namespace: config.temporal.namespaces.finance });
    const it = new Client({ connection, namespace: config.temporal.namespaces.it });
    const financeUrl = env.FINANCE_MCP_URL!;
    const itUrl = env.IT_MCP_URL!;
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };

    /** One JSON-RPC POST over a keep-alive connection, the way a script or an agent framework calls. */
    async function mcp(url: string, method: string, params: unknown, extra: Record<string, string> = {}) {
      const res = await request(url, { method: 'POST', dispatcher: http, headers: { ...headers, ...extra }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      const body = (await res.body.json()) as { result?: { isError?: boolean; content?: { text: string }[] }; error?: unknown };
      if (res.statusCode !== 200 || body.error || body.result?.isError) throw new Error(`${method} failed: ${res.statusCode} ${JSON.stringify(body).slice(0, 300)}`);
      return { headers: res.headers, body };
    }
    const roi = { principal: 10000, annual_rate: 0.05, years: 10 };

    // 1. Finance tools/call over HTTP vs a bare workflow execute of the same workflow.
    say('bench: 1/6 finance latency');
    const bareRoi = () =>
      finance.workflow.execute('calculateRoiWorkflow', { taskQueue: config.finance.taskQueue, workflowId: `bench-roi-${randomUUID()}`, args: [roi] });
    const mcpRoi = () => mcp(financeUrl, 'tools/call', { name: 'calculate_roi', arguments: roi });
    const s1 = await interleaved({ bare: bareRoi, mcp: mcpRoi }, N(300), N(30));
    const b1 = summarize(s1.bare!);
    const m1 = summarize(s1.mcp!);
    rows.push({ goal: '1 Finance tools/call (HTTP) vs workflow.execute', baseline: 'execute', ours: 'tools/call', base: b1, mine: m1, ratio: m1.p50 / b1.p50, target: 'p50 ≤ 1.2×', met: m1.p50 / b1.p50 <= 1.2 });
    rows.push({ goal: '1 MCP layer added at p50', baseline: '', ours: '', target: '≤ 2 ms', met: m1.p50 - b1.p50 <= 2, note: `${(m1.p50 - b1.p50).toFixed(2)} ms` });

    // 2. IT write tool vs a bare Signal; IT read tool vs a bare Query, on one session.
    say('bench: 2/6 IT latency');
    const init = await mcp(itUrl, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
    const sessionId = String(init.headers['mcp-session-id']);
    const session = { 'mcp-session-id': sessionId };
    const handle = it.workflow.getHandle(itSessionWorkflowId(sessionId));
    const s2w = await interleaved(
      {
        bare: () => handle.signal(setJiraProjectSignal, { project: 'OPS', requestId: randomUUID() }),
        mcp: () => mcp(itUrl, 'tools/call', { name: 'set_jira_project', arguments: { project: 'OPS' } }, session),
      },
      N(300),
      N(30),
    );
    const s2r = await interleaved(
      {
        bare: () => handle.query(sessionStateQuery),
        mcp: () => mcp(itUrl, 'tools/call', { name: 'get_ip_history', arguments: {} }, session),
      },
      N(300),
      N(30),
    );
    for (const [label, s] of [['write set_jira_project vs Signal', s2w], ['read get_ip_history vs Query', s2r]] as const) {
      const b = summarize(s.bare!);
      const m = summarize(s.mcp!);
      rows.push({ goal: `2 IT ${label}`, baseline: label.includes('Signal') ? 'signal' : 'query', ours: 'tools/call', base: b, mine: m, ratio: m.p50 / b.p50, target: 'p50 ≤ 1.2×', met: m.p50 / b.p50 <= 1.2 });
    }

    // 3. The orchestrator's MCP call activity (pooled client) vs the official StatelessMCPServerProvider activity.
    say('bench: 3/6 MCP call activity vs StatelessMCPServerProvider');
    const pool = new McpClientPool({ servers: { finance: financeUrl }, requestTimeoutMs: 30_000 });
    const ours = createOrchestratorActivities({ mcp: pool, weather: new SampleWeatherProvider() });
    const provider = new StatelessMCPServerProvider('finance', () => new MCPServerStreamableHttp({ name: 'finance', url: financeUrl }));
    const providerActivities = provider._getActivities();
    const officialCall = Object.entries(providerActivities).find(([name]) => /call-tool|callTool|call_tool/i.test(name))![1];
    let activitySeq = 0;
    const runId = randomUUID();
    const s3 = await interleaved(
      {
        official: () => officialCall({ toolName: 'calculate_roi', args: roi }),
        pooled: () =>
          new MockActivityEnvironment({ workflowExecution: { workflowId: 'bench-conversation', runId }, activityId: String(++activitySeq) }).run(ours.callMcpTool, {
            server: 'finance' as const,
            tool: 'calculate_roi',
            arguments: roi,
          }),
      },
      N(150),
      N(15),
    );
    const b3 = summarize(s3.official!);
    const m3 = summarize(s3.pooled!);
    rows.push({ goal: '3 MCP call activity: pooled vs StatelessMCPServerProvider', baseline: 'new connection/op', ours: 'pooled client', base: b3, mine: m3, ratio: b3.p50 / m3.p50, target: '≥ 3× faster', met: b3.p50 / m3.p50 >= 3, note: 'ratio = official/ours' });
    // The same comparison for an operation with no workflow behind it (tools/list): the connection cost alone.
    const officialList = Object.entries(providerActivities).find(([name]) => /list-tools|listTools|list_tools/i.test(name))![1];
    const s3l = await interleaved({ official: () => officialList({}), pooled: () => pool.listTools('finance') }, N(300), N(30));
    const b3l = summarize(s3l.official!);
    const m3l = summarize(s3l.pooled!);
    rows.push({ goal: '3b tools/list: pooled vs StatelessMCPServerProvider', baseline: 'new connection/op', ours: 'pooled client', base: b3l, mine: m3l, ratio: b3l.p50 / m3l.p50, target: '(reported)', note: 'ratio = official/ours' });
    await pool.close();

    // 4. Throughput at concurrency 1, 8 and 32.
    say('bench: 4/6 throughput');
    for (const concurrency of [1, 8, 32]) {
      const total = N(concurrency === 1 ? 100 : 300);
      await throughput(mcpRoi, concurrency, Math.min(total, 40)); // warm the connection pool at this width
      const bare = await throughput(bareRoi, concurrency, total);
      const viaMcp = await throughput(mcpRoi, concurrency, total);
      rows.push({
        goal: `4 throughput at concurrency ${concurrency}`,
        baseline: `${bare.toFixed(0)}/s execute`,
        ours: `${viaMcp.toFixed(0)}/s tools/call`,
        ratio: viaMcp / bare,
        target: concurrency === 32 ? '≥ 0.8×' : '(reported)',
        met: concurrency === 32 ? viaMcp / bare >= 0.8 : undefined,
      });
    }

    // 5. IT server memory with 1,000 open sessions, and after they are deleted (three rounds: growth would show).
    say('bench: 5/6 IT server memory');
    const itPid = services.get('mcp:it')!.child.pid!;
    const sessions = N(1000);
    async function openAndDelete(): Promise<{ open: number; after: number }> {
      const ids: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < sessions) {
            next += 1;
            const r = await mcp(itUrl, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
            ids.push(String(r.headers['mcp-session-id']));
          }
        }),
      );
      const open = rssMiB(itPid);
      let i = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (i < ids.length) {
            const id = ids[i++]!;
            const res = await request(itUrl, { method: 'DELETE', dispatcher: http, headers: { 'mcp-session-id': id } });
            await res.body.dump();
            if (res.statusCode !== 200) throw new Error(`DELETE answered ${res.statusCode}`);
          }
        }),
      );
      return { open, after: rssMiB(itPid) };
    }
    // RSS only settles once V8's heap has grown to its working size: three rounds, and the last two must match.
    const idle = rssMiB(itPid);
    const rounds = [await openAndDelete(), await openAndDelete(), await openAndDelete()];
    const growth = rounds[2]!.after - rounds[1]!.after;
    rows.push({
      goal: `5 IT server RSS, ${sessions} sessions`,
      baseline: `${idle.toFixed(1)} MiB idle`,
      ours: rounds.map((r, i) => `round ${i + 1}: open ${r.open.toFixed(0)} → deleted ${r.after.toFixed(0)}`).join('; ') + ' MiB',
      target: 'no growth left behind',
      met: Math.abs(growth) <= rounds[1]!.after * 0.1,
      note: `round 3 vs round 2 after deletion: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`,
    });

    // 6. One orchestrator turn (offline planner, one MCP tool call): where the time goes.
    say('bench: 6/6 orchestrator turn');
    const orchestratorClient = new Client({ connection, namespace: config.temporal.namespaces.orchestrator, plugins: [createAgentsPlugin(config.orchestrator)] });
    const conversations = new Conversations(orchestratorClient, config.orchestrator.taskQueue, conversationInput(config.orchestrator));
    const conversation = await conversations.start();
    const turns = N(30);
    const totals: number[] = [];
    for (let i = 0; i < turns + 3; i++) {
      const start = performance.now();
      const reply = await conversations.send(conversation, 'What is the stock price of AAPL?');
      if (i >= 3) totals.push(performance.now() - start); // the first turns include discovery and warm-up
      if (!reply.toolCalls[0]?.ok) throw new Error(`turn failed: ${reply.reply}`);
    }
    const history = await conversation.fetchHistory();
    const events = history.events ?? [];
    const byId = new Map(events.map((e) => [String(e.eventId), e]));
    const perTurn: { model: number; tool: number }[] = [];
    let current: { model: number; tool: number } | undefined;
    for (const e of events) {
      if (e.workflowExecutionUpdateAcceptedEventAttributes) current = { model: 0, tool: 0 };
      const done = e.activityTaskCompletedEventAttributes;
      if (done && current) {
        const scheduled = byId.get(String(done.scheduledEventId))!;
        const started = byId.get(String(done.startedEventId))!;
        const type = scheduled.activityTaskScheduledEventAttributes!.activityType!.name!;
        const span = ts(e.eventTime) - ts(started.eventTime);
        if (type === 'invokeModelActivity') current.model += span;
        else current.tool += span;
      }
      if (e.workflowExecutionUpdateCompletedEventAttributes && current) {
        perTurn.push(current);
        current = undefined;
      }
    }
    const measured = perTurn.slice(-totals.length);
    const total = summarize(totals);
    const model = summarize(measured.map((t) => t.model));
    const tool = summarize(measured.map((t) => t.tool));
    const machinery = summarize(totals.map((t, i) => t - measured[i]!.model - measured[i]!.tool));
    rows.push({
      goal: '6 orchestrator turn (offline planner + stock_price)',
      baseline: '',
      ours: `total p50 ${total.p50.toFixed(1)} ms`,
      target: '(reported)',
      note: `model ${model.p50.toFixed(1)} ms (2 calls), tool ${tool.p50.toFixed(1)} ms, Temporal + client ${machinery.p50.toFixed(1)} ms (${((machinery.p50 / total.p50) * 100).toFixed(0)}%)`,
    });
    await conversations.end(conversation, 'benchmark done');
  } finally {
    await http.close();
    await connection.close();
    await stopAll();
  }

  const fmt = (s?: Summary) => (s ? `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)}` : '');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const lines = [
    `machine: ${machine}`,
    '',
    '| goal | baseline p50 / p99 (ms) | ours p50 / p99 (ms) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      `| ${r.goal} | ${r.base ? `${r.baseline}: ${fmt(r.base)}` : r.baseline} | ${r.mine ? `${r.ours}: ${fmt(r.mine)}` : r.ours}${r.note ? ` (${r.note})` : ''} | ${r.ratio !== undefined ? r.ratio.toFixed(2) : ''} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) {
    const dir = path.join(projectRoot, 'bench-results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ machine, at: new Date().toISOString(), quick: values.quick, rows }, null, 2));
    say(`bench: wrote ${file}`);
  }
});
