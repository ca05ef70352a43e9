/**
 * Issue 32, a self-hosted cluster as smooth as the dev server: `TOOL_TRANSPORT=nexus npm run services` against a
 * server that has none of this run's namespaces and Nexus endpoints (fresh names) registers them, starts first time,
 * and the chat answers over Nexus; no Web UI link for a server whose UI is unknown, one for a dev server's UI found
 * at TEMPORAL_UI_PORT; a server without `component.callbacks.allowedAddresses` is reported in one line naming it;
 * SIGTERM to npm (the process a service manager started) or to its process group stops everything. With
 * TEMPORAL_ADDRESS set, the first test runs against that server (docs/self-hosted-cluster.md, "A test lane").
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { findTemporalCli } from '../../shared/temporal/cli-binary';
import { connectClient } from '../../shared/temporal/connection';
import { ensureNamespaces, isTemporalServing } from '../../shared/temporal/dev-server';
import { NamespaceNotKnown } from '../../shared/temporal/new-namespace';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import { findTemporalWebUi } from '../../shared/temporal/web-ui';
import { launch, ScriptedChat, type Launched } from '../support/launcher';
import { freePort, waitFor } from '../support/processes';
import { testConfig } from '../support/temporal';

const running: Launched[] = [];
const servers: { kill(): void }[] = [];
afterAll(() => {
  for (const r of running) r.killAll();
  for (const s of servers) s.kill();
});

/** A fresh name for each of this run's namespaces and endpoints: the server has never seen them. */
function freshNames() {
  const id = randomUUID().slice(0, 8);
  return {
    TEMPORAL_NAMESPACE: `orchestrator-${id}`,
    TEMPORAL_FINANCE_NAMESPACE: `finance-${id}`,
    TEMPORAL_IT_NAMESPACE: `it-${id}`,
    FINANCE_NEXUS_ENDPOINT: `finance-${id}`,
    IT_NEXUS_ENDPOINT: `it-${id}`,
  };
}

async function servicePorts() {
  const [ui, finance, it] = [await freePort(), await freePort(), await freePort()];
  return {
    TEMPORAL_UI_PORT: String(ui),
    FINANCE_MCP_PORT: String(finance),
    IT_MCP_PORT: String(it),
    FINANCE_MCP_URL: `http://127.0.0.1:${finance}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${it}/mcp`,
  };
}

/** What the server at `address` knows of these names: which namespaces and which endpoints exist. */
async function known(address: string, names: ReturnType<typeof freshNames>) {
  const connection = await connectClient(parseConfig({ TEMPORAL_ADDRESS: address }).temporal);
  try {
    const namespaces: string[] = [];
    for (const ns of [names.TEMPORAL_NAMESPACE, names.TEMPORAL_FINANCE_NAMESPACE, names.TEMPORAL_IT_NAMESPACE]) {
      const found = await connection.workflowService.describeNamespace({ namespace: ns }).then(
        () => true,
        () => false,
      );
      if (found) namespaces.push(ns);
    }
    const endpoints: string[] = [];
    for (const name of [names.FINANCE_NEXUS_ENDPOINT, names.IT_NEXUS_ENDPOINT]) {
      const { endpoints: found = [] } = await connection.operatorService.listNexusEndpoints({ name, pageSize: 1 });
      if (found.some((e) => e.spec?.name === name)) endpoints.push(name);
    }
    return { namespaces, endpoints };
  } finally {
    await connection.close();
  }
}

/** One question over Nexus through `npm run chat`, its input then closed; resolves with its whole output. */
async function askOverNexus(env: Record<string, string>, question: string): Promise<Launched> {
  const chat = launch('chat', { ...env, TOOL_TRANSPORT: 'nexus' });
  running.push(chat);
  const reply = await new ScriptedChat(chat).say(question, 120_000);
  expect(reply).toMatch(/\[finance via Nexus\]/);
  chat.child.stdin.end();
  expect(await chat.exited, chat.err()).toBe(0);
  return chat;
}

describe('TOOL_TRANSPORT=nexus npm run services on a server without this run’s namespaces and endpoints', () => {
  it(
    'registers them, starts first time, the chat answers over Nexus with no Web UI link, and SIGTERM to npm stops everything',
    { timeout: 400_000 },
    async () => {
      const { temporal } = testConfig();
      const names = freshNames();
      expect(await known(temporal.address, names)).toEqual({ namespaces: [], endpoints: [] });

      const env = { ...(await servicePorts()), ...names, TEMPORAL_ADDRESS: temporal.address };
      const run = launch('services', { ...env, TOOL_TRANSPORT: 'nexus' });
      running.push(run);
      await waitFor(
        'everything up',
        () => run.err().includes('Everything is up') || run.child.exitCode !== null,
        300_000,
      );
      expect(run.err()).toContain('Everything is up');
      expect(await known(temporal.address, names)).toEqual({
        namespaces: [names.TEMPORAL_NAMESPACE, names.TEMPORAL_FINANCE_NAMESPACE, names.TEMPORAL_IT_NAMESPACE],
        endpoints: [names.FINANCE_NEXUS_ENDPOINT, names.IT_NEXUS_ENDPOINT],
      });

      const chat = await askOverNexus(env, 'What is the stock price of AAPL?');
      expect(chat.out()).toMatch(/Agent: AAPL: [\d,.]+ USD/);
      // Nothing serves a Web UI at TEMPORAL_UI_PORT, and TEMPORAL_UI_URL is unset: no link anywhere.
      expect(chat.out()).not.toContain('Web UI');
      expect(run.err()).not.toContain('Web UI');
      for (const output of [run.err(), run.out(), chat.err(), chat.out()]) expect(output).not.toContain('No traceId');

      // A service manager stops the process it started: npm, whose child is the launcher itself (exec).
      process.kill(run.child.pid!, 'SIGTERM');
      expect(await run.exited, run.err()).toBe(0);
      expect(run.survivors()).toEqual([]);
      expect(run.err()).toContain('all stopped');
      expect(await isTemporalServing(temporal, 2000)).toBe(true);
    },
  );
});

describe('a dev server without component.callbacks.allowedAddresses', () => {
  it(
    'the failed Nexus call says, in one line of the worker log and in the tool error, which setting to add; the chat links to that server’s own Web UI',
    { timeout: 400_000 },
    async () => {
      const config = parseConfig({});
      const cli = await findTemporalCli({
        explicitPath: config.devServer.cliPath,
        cacheDir: config.devServer.cliCacheDir,
      });
      const [port, httpPort, uiPort] = [await freePort(), await freePort(), await freePort()];
      const names = freshNames();
      const server = spawn(
        cli,
        [
          'server',
          'start-dev',
          ...['--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort)],
          ...['--ui-port', String(uiPort), '--log-level', 'error'],
          // The dev server allows its own callback address by default; a self-hosted server allows none.
          ...['--dynamic-config-value', 'component.callbacks.allowedAddresses=[]'],
        ],
        { stdio: 'ignore' },
      );
      servers.push({ kill: () => server.kill('SIGKILL') });
      const address = `127.0.0.1:${port}`;
      const { temporal } = parseConfig({ TEMPORAL_ADDRESS: address });
      await waitFor('the dev server', () => isTemporalServing(temporal, 1000), 60_000);

      const ports = await servicePorts();
      const env = { ...ports, TEMPORAL_UI_PORT: String(uiPort), ...names, TEMPORAL_ADDRESS: address };
      const run = launch('services', { ...env, TOOL_TRANSPORT: 'nexus' });
      running.push(run);
      await waitFor(
        'everything up',
        () => run.err().includes('Everything is up') || run.child.exitCode !== null,
        300_000,
      );
      // Not started here, but its UI answers at TEMPORAL_UI_PORT for this very cluster: a known UI.
      expect(run.err()).toContain(`(Web UI http://127.0.0.1:${uiPort}) (reused)`);

      const chat = launch('chat', { ...env, TOOL_TRANSPORT: 'nexus' });
      running.push(chat);
      const reply = await new ScriptedChat(chat).say('What is the stock price of AAPL?', 120_000);
      chat.child.stdin.end();
      await chat.exited;
      const setting = 'component.callbacks.allowedAddresses';
      expect(reply).toContain(
        `the Temporal server refuses this Nexus operation's completion callback http://127.0.0.1:${httpPort}/namespaces/${names.TEMPORAL_NAMESPACE}/nexus/callback: ` +
          `add {"Pattern": "127.0.0.1:${httpPort}", "AllowInsecure": true} to ${setting}`,
      );
      const lines = run
        .err()
        .split('\n')
        .filter((l) => l.includes(setting));
      expect(lines).toEqual([expect.stringMatching(/^\[worker:finance\] ERROR the Temporal server refuses /)]);
      expect(chat.out()).toContain(
        `Temporal Web UI: http://127.0.0.1:${uiPort}/namespaces/${names.TEMPORAL_NAMESPACE}/`,
      );

      process.kill(run.child.pid!, 'SIGTERM');
      expect(await run.exited, run.err()).toBe(0);
      expect(run.survivors()).toEqual([]);
    },
  );
});

describe('npm start', () => {
  it('stops everything, the chat among it, on SIGTERM to its process group', { timeout: 400_000 }, async () => {
    const { temporal } = testConfig();
    const env = { ...(await servicePorts()), ...freshNames(), TEMPORAL_ADDRESS: temporal.address };
    const run = launch('start', env);
    running.push(run);
    run.child.stdin.write('Calculate 15 * 23\n');
    await waitFor('the first reply', () => /Agent: .*345/.test(run.out()) || run.child.exitCode !== null, 300_000);
    expect(run.out()).toMatch(/Agent: .*345/);

    process.kill(-run.child.pid!, 'SIGTERM');
    expect(await run.exited, run.err()).toBe(0);
    expect(run.survivors()).toEqual([]);
    expect(await isTemporalServing(temporal, 2000)).toBe(true);
  });
});

describe('new namespaces and Nexus endpoints on a running server', () => {
  it('an endpoint whose namespace is registered a moment later is created once the server knows it', async () => {
    const { temporal } = testConfig();
    const names = freshNames();
    const connection = await connectClient(temporal);
    try {
      const endpoint = {
        name: names.FINANCE_NEXUS_ENDPOINT,
        namespace: names.TEMPORAL_FINANCE_NAMESPACE,
        taskQueue: 'q',
      };
      const waits: string[] = [];
      const creating = ensureNexusEndpoints(connection, [endpoint], {
        address: temporal.address,
        onWait: (line) => waits.push(line),
      });
      await waitFor('a wait', () => waits.length > 0, 30_000);
      expect(await ensureNamespaces(temporal, [names.TEMPORAL_FINANCE_NAMESPACE])).toEqual([
        names.TEMPORAL_FINANCE_NAMESPACE,
      ]);
      expect(await creating).toEqual([endpoint.name]);
      expect(waits).toEqual([
        `waiting for the Temporal server to know namespace ${endpoint.namespace} (creating Nexus endpoint ${endpoint.name}; up to 60 s)`,
      ]);
    } finally {
      await connection.close();
    }
  });

  it('at the bound, one error names the namespace and what to check', async () => {
    const { temporal } = testConfig();
    const names = freshNames();
    const connection = await connectClient(temporal);
    try {
      const endpoint = { name: names.IT_NEXUS_ENDPOINT, namespace: names.TEMPORAL_IT_NAMESPACE, taskQueue: 'q' };
      const failed = ensureNexusEndpoints(connection, [endpoint], { address: temporal.address, boundMs: 2000 });
      await expect(failed).rejects.toBeInstanceOf(NamespaceNotKnown);
      await expect(failed).rejects.toThrow(
        `namespace ${endpoint.namespace} is registered, but the Temporal server at ${temporal.address} still did not know it after 2 s (creating Nexus endpoint ${endpoint.name}); ` +
          "a frontend learns of a new namespace on its next namespace-cache refresh (system.namespaceCacheRefreshInterval): check the server's logs",
      );
    } finally {
      await connection.close();
    }
  });

  it('a Web UI at TEMPORAL_UI_PORT that shows another cluster is no link', async () => {
    const { temporal, temporalUi } = testConfig();
    const config = parseConfig({});
    const cli = await findTemporalCli({
      explicitPath: config.devServer.cliPath,
      cacheDir: config.devServer.cliCacheDir,
    });
    const [port, uiPort] = [await freePort(), await freePort()];
    const other = spawn(
      cli,
      ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)],
      {
        stdio: 'ignore',
      },
    );
    servers.push({ kill: () => other.kill('SIGKILL') });
    const otherTemporal = parseConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` }).temporal;
    await waitFor('the other dev server', () => isTemporalServing(otherTemporal, 1000), 60_000);
    const ui = { ...temporalUi, devServerPort: uiPort };
    const [ours, theirs] = [await connectClient(temporal), await connectClient(otherTemporal)];
    try {
      // Both have a namespace `default`; the UI shows the other server's.
      const find = (connection: typeof ours, cfg: typeof temporal, settings = ui) =>
        findTemporalWebUi(connection, cfg, settings, 'default');
      await waitFor('its UI', async () => (await find(theirs, otherTemporal)) !== undefined, 30_000);
      expect(await find(theirs, otherTemporal)).toBe(`http://127.0.0.1:${uiPort}`);
      expect(await find(ours, temporal)).toBeUndefined();
      expect(await find(ours, temporal, { ...ui, url: 'https://ui.example' })).toBe('https://ui.example');
    } finally {
      await ours.close();
      await theirs.close();
      other.kill('SIGTERM');
    }
  });
});
