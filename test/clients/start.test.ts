/**
 * `npm start` and `npm run services` as a user runs them right after `npm ci` (no .env): everything comes up, the
 * chat answers piped questions, and at the end of input (or on Ctrl-C) everything the command started stops;
 * nothing is left running. Ports are free ones, so the test depends on no fixed port.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { connectClient } from '../../shared/temporal/connection';
import { isTemporalServing } from '../../shared/temporal/dev-server';
import { launch, markedProcesses, pidOf, ScriptedChat, type Launched } from '../support/launcher';
import { connectHttpClient } from '../support/mcp-client';
import { freePort, waitFor } from '../support/processes';
import { testConfig } from '../support/temporal';

/** Processes of this run still alive, by pid. */
function survivors(marker: string): number[] {
  return markedProcesses(marker).map((p) => p.pid);
}

/** Whether anything accepts TCP connections on a loopback port. */
function listening(port: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
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

const ISSUE = 'File a Jira issue: VPN is down since 9am';
const QUESTION =
  'Approve create_jira_issue {"summary":"VPN is down since 9am","description":"VPN is down since 9am"}? [y/N]';
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/**
 * Issue 27's done-when, in a chat: asked to file a Jira issue, the chat puts the call to the person; "n" files
 * nothing, "y" files one, and /history says who decided what and when. Returns the filed issue's key.
 */
async function fileIssueRejectedThenApproved(chat: ScriptedChat, who: string, via: string): Promise<string> {
  expect(await chat.say('Set the JIRA project to DEMO', 60_000)).toMatch(/^Agent: Jira project set to DEMO /);
  const asked = await chat.say(ISSUE, 60_000);
  expect(asked).toMatch(new RegExp(String.raw`^  \(create_jira_issue needs your approval[^;]*; expires ${ISO}\)\n`));
  expect(asked).toContain(QUESTION);
  expect(asked).not.toContain('Agent:');

  const rejected = await chat.say('n not today', 60_000);
  expect(rejected).toContain(
    `Agent: create_jira_issue was not run: the user rejected it by ${who}: not today. Nothing was done.\n`,
  );
  expect(rejected).toContain(`  ✗ create_jira_issue {"summary":"VPN is down since 9am"`);
  expect(rejected).not.toMatch(/DEMO-\d+/);

  expect(await chat.say(ISSUE, 60_000)).toContain(QUESTION);
  const approved = await chat.say('y', 60_000);
  const filed = /^Agent: Filed (DEMO-\d+) in DEMO: VPN is down since 9am \[sample data/.exec(approved);
  expect(filed, approved).not.toBeNull();
  expect(approved).toContain(`  ↳ create_jira_issue {"summary":"VPN is down since 9am"`);
  expect(approved).toContain(`[it ${via}] → Filed ${filed![1]} in DEMO`);

  const history = await chat.say('/history', 30_000);
  const decision = (what: string) =>
    new RegExp(
      String.raw`\[\d+\] Approval: create_jira_issue \{"summary":"VPN is down since 9am"[^\n]*\} ${what} by ${who} at ${ISO} \(asked ${ISO}\)`,
      'g',
    );
  expect(history.match(decision('rejected'))).toHaveLength(1);
  expect(history).toMatch(new RegExp(`${decision('rejected').source}: not today\n`));
  expect(history.match(decision('approved'))).toHaveLength(1);
  expect(history).not.toContain(' expired ');
  return filed![1]!;
}

/**
 * The keys of the issues filed, from the IT worker's create_jira_issue workflows on the run's own Temporal: one per
 * call that ran, its result the one issue it filed (the sample provider keeps issues in the worker's memory, so
 * Temporal is the evidence). Visibility catches up by adding, so the list is read once it has at least `atLeast`.
 */
async function filedIssues(address: string, atLeast: number): Promise<string[]> {
  const { temporal } = parseConfig({ TEMPORAL_ADDRESS: address });
  const connection = await connectClient(temporal);
  try {
    const client = new Client({ connection, namespace: temporal.namespaces.it });
    const list = async () => {
      const keys: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'createJiraIssueWorkflow'` }))
        keys.push((await client.workflow.getHandle(wf.workflowId, wf.runId).result()).key);
      return keys;
    };
    let keys: string[] = [];
    await waitFor('visibility to list the filed issues', async () => (keys = await list()).length >= atLeast, 30_000);
    return keys;
  } finally {
    await connection.close();
  }
}

const running: Launched[] = [];
afterAll(() => {
  for (const r of running) for (const pid of survivors(r.marker)) process.kill(pid, 'SIGKILL');
});

describe('npm start', () => {
  it(
    'starts Temporal and every service, chats over piped input, files a Jira issue only when approved, carries on after every service is killed, and stops everything at its end',
    { timeout: 400_000 },
    async () => {
      const { temporalPort, ...ports } = await portsFor();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'dma-start-'));
      const address = `127.0.0.1:${temporalPort}`;
      const run = launch('start', {
        ...ports,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_DATA_DIR: dataDir,
        CHAT_USER: 'alice',
      });
      running.push(run);
      run.child.stdin.write('Calculate 15 * 23\n');
      await waitFor('the first reply', () => /Agent: .*345/.test(run.out()), 300_000);

      // Approvals: "n" files nothing, "y" files one issue; over Nexus from a second chat against the same services
      // (npm start registered the endpoints), then over MCP (the default transport) in npm start's own chat.
      const nexusChat = launch('chat', {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_UI_PORT: ports.TEMPORAL_UI_PORT,
        TOOL_TRANSPORT: 'nexus',
        CHAT_USER: 'bob',
      });
      running.push(nexusChat);
      const nexusKey = await fileIssueRejectedThenApproved(new ScriptedChat(nexusChat), 'bob', 'via Nexus');
      nexusChat.child.stdin.end();
      expect(await nexusChat.exited, nexusChat.err()).toBe(0);
      expect(await filedIssues(address, 1)).toEqual([nexusKey]);
      const mcpKey = await fileIssueRejectedThenApproved(new ScriptedChat(run), 'alice', 'MCP');
      expect((await filedIssues(address, 2)).sort()).toEqual([mcpKey, nexusKey].sort());

      // Every service killed outright mid-conversation: each is restarted, and the next turns are answered.
      const services = {
        'worker:finance': 'tool-workers/finance/main.ts',
        'worker:it': 'tool-workers/it/main.ts',
        'mcp:finance': 'mcp-servers/finance/main.ts',
        'mcp:it': 'mcp-servers/it/main.ts',
        'worker:orchestrator': 'orchestrator/main.ts',
      };
      for (const script of Object.values(services)) process.kill(pidOf(run.marker, script), 'SIGKILL');
      run.child.stdin.end('What is the stock price of AAPL?\nSet the JIRA project to DEMO-123\nGet JIRA metrics\n');
      const code = await run.exited;
      for (const name of Object.keys(services)) {
        expect(run.err()).toContain(`[start] ${name} was killed by SIGKILL; restarting it in 1 s (restart 1)\n`);
      }
      // In the chat, one line per restart and no more.
      expect(run.err()).not.toContain('is back');
      expect(code, run.err()).toBe(0);
      const out = run.out();
      expect(out).toMatch(/offline planner/);
      expect(out).toMatch(/Agent: .*345/);
      expect(out).toMatch(/Agent: AAPL: [\d,.]+ USD/);
      expect(out).toMatch(/Agent: DEMO \(/);
      expect(out).toContain(
        `Temporal Web UI: http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows/conversation-`,
      );
      for (const name of ['worker:finance', 'worker:it', 'mcp:finance', 'mcp:it', 'worker:orchestrator'])
        expect(run.err()).toContain(`[${name}]`);
      expect(run.err()).toContain('Everything is up');

      // Nothing left: no process of this run, no server on its ports.
      expect(survivors(run.marker)).toEqual([]);
      expect(await isTemporalServing({ ...testConfig().temporal, address }, 1000)).toBe(false);
      await expect(fetch(`http://127.0.0.1:${ports.FINANCE_MCP_PORT}/healthz`)).rejects.toThrow();
    },
  );
});

describe('npm run services', () => {
  it(
    'reuses a running Temporal, serves MCP over HTTP, and Ctrl-C stops what it started (not Temporal)',
    { timeout: 400_000 },
    async () => {
      const { temporalPort: _unused, ...ports } = await portsFor();
      const { temporal } = testConfig();
      const run = launch('services', { ...ports, TEMPORAL_ADDRESS: temporal.address });
      running.push(run);
      await waitFor('everything up', () => run.err().includes('Everything is up'), 300_000);
      expect(run.err()).toMatch(/already answers at TEMPORAL_ADDRESS/);

      const client = await connectHttpClient(ports.FINANCE_MCP_URL);
      const result = await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
      });
      expect((result.structuredContent as { final_value: number }).final_value).toBe(16288.95);
      await client.close();

      process.kill(-run.child.pid!, 'SIGINT'); // Ctrl-C: the terminal signals the whole foreground group
      await run.exited;
      expect(survivors(run.marker)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${ports.IT_MCP_PORT}/healthz`)).rejects.toThrow();
      expect(await isTemporalServing(temporal, 2000)).toBe(true);
    },
  );
});

describe('npm run services, supervised', () => {
  it(
    'restarts a service and the dev server killed with SIGKILL; and kill -9 of the launcher leaves no process and no port behind',
    { timeout: 300_000 },
    async () => {
      const { temporalPort, ...ports } = await portsFor();
      const run = launch('services', {
        ...ports,
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        TEMPORAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dma-start-')),
      });
      running.push(run);
      await waitFor('everything up', () => run.err().includes('Everything is up'), 240_000);
      const launcher = pidOf(run.marker, 'shared/bin/start.ts');

      // Crashes, of a service and of the dev server: the launcher says so in one line each, starts them again, and
      // a call goes through both once they are back.
      const crashed = pidOf(run.marker, 'mcp-servers/finance/main.ts');
      const devServer = markedProcesses(run.marker).find((p) => p.command.includes('temporal server start-dev'))!.pid;
      process.kill(crashed, 'SIGKILL');
      process.kill(devServer, 'SIGKILL');
      await waitFor('mcp:finance back', () => run.err().includes('[start] mcp:finance is back'), 60_000);
      await waitFor('Temporal back', () => run.err().includes('[start] the Temporal dev server is back'), 60_000);
      expect(run.err()).toContain('[start] mcp:finance was killed by SIGKILL; restarting it in 1 s (restart 1)\n');
      expect(run.err()).toContain(
        '[start] the Temporal dev server was killed by SIGKILL; restarting it in 1 s (restart 1)\n',
      );
      expect(pidOf(run.marker, 'mcp-servers/finance/main.ts')).not.toBe(crashed);
      const client = await connectHttpClient(ports.FINANCE_MCP_URL);
      const result = await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: 1000, annual_rate: 0.1, years: 1 },
      });
      expect((result.structuredContent as { final_value: number }).final_value).toBe(1100);
      await client.close();
      expect(run.child.exitCode).toBeNull();

      // The launcher itself killed outright: no chance to stop anything, yet nothing stays.
      const everything = markedProcesses(run.marker);
      for (const script of [
        'tool-workers/finance',
        'tool-workers/it',
        'mcp-servers/it',
        'orchestrator/main.ts',
        'temporal server start-dev',
      ]) {
        expect(everything.map((p) => p.command).join('\n')).toContain(script);
      }
      process.kill(launcher, 'SIGKILL');
      await waitFor('nothing left', () => survivors(run.marker).length === 0, 15_000).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(markedProcesses(run.marker))}`);
      });
      for (const port of [temporalPort, ports.TEMPORAL_UI_PORT, ports.FINANCE_MCP_PORT, ports.IT_MCP_PORT]) {
        expect(await listening(port), `port ${port}`).toBe(false);
      }
    },
  );
});
