/**
 * `npm start` and `npm run services` as a user runs them right after `npm ci` (no .env): everything comes up, the
 * chat answers piped questions, and at the end of input (or on Ctrl-C) everything the command started stops;
 * nothing is left running. Ports are free ones, so the test depends on no fixed port.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { isTemporalServing } from '../../shared/temporal/dev-server';
import { connectHttpClient } from '../support/mcp-client';
import { freePort, waitFor } from '../support/processes';
import { testConfig } from '../support/temporal';

const MARKER = 'DMA_START_TEST_MARKER';

/** Processes still alive that inherited this run's marker (the launcher and everything it started). */
function survivors(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${MARKER}=${marker}`)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

async function launch(script: 'start' | 'services', env: Record<string, string>, input?: string) {
  const marker = randomUUID();
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', 'services'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', [MARKER]: marker, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A process group of its own, like a terminal's foreground job, so "Ctrl-C" can be sent to the group.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, marker, exited, out: () => stdout, err: () => stderr };
}

async function portsFor() {
  const [temporal, ui, finance, it] = [await freePort(), await freePort(), await freePort(), await freePort()];
  return {
    TEMPORAL_UI_PORT: String(ui),
    FINANCE_MCP_PORT: String(finance),
    IT_MCP_PORT: String(it),
    FINANCE_MCP_URL: `http://127.0.0.1:${finance}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${it}/mcp`,
    temporalPort: String(temporal),
  };
}

const running: Awaited<ReturnType<typeof launch>>[] = [];
afterAll(() => {
  for (const r of running) for (const pid of survivors(r.marker)) process.kill(pid, 'SIGKILL');
});

describe('npm start', () => {
  it('starts Temporal and every service, chats over piped input, and stops everything at its end', { timeout: 400_000 }, async () => {
    const { temporalPort, ...ports } = await portsFor();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dma-start-'));
    const address = `127.0.0.1:${temporalPort}`;
    const run = await launch(
      'start',
      { ...ports, TEMPORAL_ADDRESS: address, TEMPORAL_DATA_DIR: dataDir },
      'Calculate 15 * 23\nWhat is the stock price of AAPL?\nSet the JIRA project to DEMO-123\nGet JIRA metrics\n',
    );
    running.push(run);
    const code = await run.exited;
    expect(code, run.err()).toBe(0);
    const out = run.out();
    expect(out).toMatch(/offline planner/);
    expect(out).toMatch(/Agent: .*345/);
    expect(out).toMatch(/Agent: AAPL: [\d,.]+ USD/);
    expect(out).toMatch(/Agent: DEMO \(/);
    expect(out).toContain(`Temporal Web UI: http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows/conversation-`);
    for (const name of ['worker:finance', 'worker:it', 'mcp:finance', 'mcp:it', 'worker:orchestrator']) expect(run.err()).toContain(`[${name}]`);
    expect(run.err()).toContain('Everything is up');

    // Nothing left: no process of this run, no server on its ports.
    expect(survivors(run.marker)).toEqual([]);
    expect(await isTemporalServing({ ...testConfig().temporal, address }, 1000)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${ports.FINANCE_MCP_PORT}/healthz`)).rejects.toThrow();
  });
});

describe('npm run services', () => {
  it('reuses a running Temporal, serves MCP over HTTP, and Ctrl-C stops what it started (not Temporal)', { timeout: 400_000 }, async () => {
    const { temporalPort: _unused, ...ports } = await portsFor();
    const { temporal } = testConfig();
    const run = await launch('services', { ...ports, TEMPORAL_ADDRESS: temporal.address });
    running.push(run);
    await waitFor('everything up', () => run.err().includes('Everything is up'), 300_000);
    expect(run.err()).toMatch(/already answers at TEMPORAL_ADDRESS/);

    const client = await connectHttpClient(ports.FINANCE_MCP_URL);
    const result = await client.callTool({ name: 'calculate_roi', arguments: { principal: 10000, annual_rate: 0.05, years: 10 } });
    expect((result.structuredContent as { final_value: number }).final_value).toBe(16288.95);
    await client.close();

    process.kill(-run.child.pid!, 'SIGINT'); // Ctrl-C: the terminal signals the whole foreground group
    await run.exited;
    expect(survivors(run.marker)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${ports.IT_MCP_PORT}/healthz`)).rejects.toThrow();
    expect(await isTemporalServing(temporal, 2000)).toBe(true);
  });
});
