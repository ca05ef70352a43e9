/**
 * Row 8: what tracing costs a Finance `tools/call`. Three identical pairs of a Finance MCP server and its worker,
 * started here as separate processes on task queues of their own: one without telemetry, one with traces only
 * (OTEL_METRICS_EXPORTER=none), one with everything an OTLP endpoint turns on (8b). The traced ones export to sinks in
 * this process that accept OTLP/HTTP JSON and count the spans. Calls alternate between the three.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectRoot } from '../shared/config';
import { freePort } from '../shared/free-port';
import { GOALS, judge } from './goals';
import { ROI, type Harness, type Need } from './harness';
import { interleaved, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'tracing';
export const description = 'Finance tools/call with tracing off vs on (OTLP/HTTP to a local sink), side by side';
export const needs: readonly Need[] = ['temporal'];

/** A receiver that acknowledges every OTLP/HTTP JSON export and counts the spans in it. */
async function startOtlpSink() {
  let spans = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
        for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An entry point as the launcher starts it: ready when it says so over IPC. */
function startProcess(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr!.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve());
    void exited.then(() => reject(new Error(`${entry} exited before it was ready:\n${tail}`)));
  });
  return {
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Finance server and its worker, with `extra` in their environment. */
async function startFinancePair(h: Harness, extra: Record<string, string>) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ENV_FILE: '/nonexistent',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: h.config.temporal.address,
    FINANCE_TASK_QUEUE: `bench-tracing-${randomUUID()}`,
    FINANCE_MCP_PORT: String(port),
    ...extra,
  };
  const processes = [
    startProcess('tool-workers/finance/main.ts', env),
    startProcess('mcp-servers/finance/main.ts', env),
  ];
  const stop = () => Promise.all(processes.map((p) => p.stop()));
  try {
    await Promise.all(processes.map((p) => p.ready));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}/mcp`, stop };
}

export async function run(h: Harness): Promise<Row[]> {
  // One sink per traced pair: each is seen to export its spans.
  const [tracedSink, fullSink] = await Promise.all([startOtlpSink(), startOtlpSink()]);
  h.say('bench:   tracing: starting three Finance servers and workers: no telemetry, traces, traces and metrics…');
  const pairs = await Promise.all([
    startFinancePair(h, {}),
    // Default batching (every 5 s, or at 512 spans), as deployed: exports still happen during the measured calls.
    // Row 8 is tracing alone (OTEL_METRICS_EXPORTER=none); 8b everything an OTLP endpoint turns on.
    startFinancePair(h, { OTEL_EXPORTER_OTLP_ENDPOINT: tracedSink.url, OTEL_METRICS_EXPORTER: 'none' }),
    startFinancePair(h, { OTEL_EXPORTER_OTLP_ENDPOINT: fullSink.url }),
  ]);
  try {
    const [none, traced, full] = pairs;
    const samples = await interleaved(
      {
        off: () => h.callTool(none.url, 'calculate_roi', ROI),
        on: () => h.callTool(traced.url, 'calculate_roi', ROI),
        full: () => h.callTool(full.url, 'calculate_roi', ROI),
      },
      h.n(400),
      h.n(40),
    );
    const offSummary = summarize(samples.off!);
    const onSummary = summarize(samples.on!);
    const fullSummary = summarize(samples.full!);
    const spans = tracedSink.spans();
    // No span exported means tracing was not on: not a measurement of its cost.
    const goal8 = judge(GOALS['8'], spans > 0 ? onSummary.p50 / offSummary.p50 : undefined);
    return [
      pair(
        '8 Finance tools/call, tracing on vs off (separate worker)',
        'tracing off',
        'tracing on',
        offSummary,
        onSummary,
        goal8.target,
        goal8.met,
        `${spans} spans exported to the OTLP/HTTP sink during the run; OTEL_METRICS_EXPORTER=none (8b adds metrics)`,
      ),
      pair(
        '8b Finance tools/call, traces and metrics on (an OTLP endpoint alone) vs off',
        'telemetry off',
        'traces and metrics',
        offSummary,
        fullSummary,
        '(reported)',
        undefined,
        `${fullSink.spans()} spans exported; the metrics' share: ${(fullSummary.p50 - onSummary.p50).toFixed(2)} ms at p50`,
      ),
    ];
  } finally {
    await Promise.all(pairs.map((p) => p.stop()));
    await Promise.all([tracedSink.close(), fullSink.close()]);
  }
}
