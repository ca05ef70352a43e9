/**
 * The launcher's parts that need no whole system: the restart policy, the supervisor over a real process that keeps
 * crashing, the environment each child gets, and the one-line start-up failures of `npm run services` and a service
 * run alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { orchestratorSection, parseConfig, projectRoot } from '../../shared/config';
import { portHolder } from '../../shared/launcher/ports';
import { ServiceProcess } from '../../shared/launcher/service-process';
import { API_KEY_STAND_IN, chatEnvironment, systemServices } from '../../shared/launcher/services';
import { RestartBudget, SupervisedService, type RestartPolicy } from '../../shared/launcher/supervisor';
import { freePort } from '../support/processes';

const POLICY: RestartPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 5000,
  healthyAfterMs: 60_000,
  maxRestarts: 4,
  windowMs: 120_000,
};

describe('restart policy', () => {
  it('doubles the delay with each crash in a row, up to the bound', () => {
    const budget = new RestartBudget({ ...POLICY, maxRestarts: 10, windowMs: 1000 });
    // Crashes 10 s apart: the window never fills, the delay only grows.
    const delays = [0, 1, 2, 3, 4].map((i) => budget.onCrash(i * 10_000, i * 10_000 - 5_000));
    expect(delays.map((d) => ('restartInMs' in d ? d.restartInMs : d.giveUp))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('starts again from the first delay after a healthy interval', () => {
    const budget = new RestartBudget(POLICY);
    expect(budget.onCrash(0)).toMatchObject({ restartInMs: 1000 });
    expect(budget.onCrash(2_000, 1_500)).toMatchObject({ restartInMs: 2000 });
    // Ready at 5 s and up for 60 s: healthy, so the next crash is a new streak.
    expect(budget.onCrash(65_000, 5_000)).toMatchObject({ restartInMs: 1000 });
  });

  it('gives up after too many restarts within the window, and forgets restarts older than it', () => {
    const budget = new RestartBudget(POLICY);
    for (let i = 0; i < 4; i++) expect(budget.onCrash(i * 1000)).toMatchObject({ restart: i + 1 });
    expect(budget.onCrash(5_000)).toEqual({ giveUp: 'it was restarted 4 times within 2 min and crashed again' });
    // Two minutes after the first restarts they no longer count.
    expect(budget.onCrash(122_500)).toMatchObject({ restart: 2 });
  });
});

describe('supervised service', () => {
  it('restarts a real process that crashes, says so in one line each time, and gives up when it keeps crashing', async () => {
    const notices: { line: string; kind: string }[] = [];
    const service = new SupervisedService(
      { name: 'crashy', entry: 'test/clients/fixtures/crashing-service.ts' },
      {
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, CRASH_AFTER_MS: '300' },
        echo: () => undefined,
        notice: (line, kind) => notices.push({ line, kind }),
        policy: { firstDelayMs: 50, maxDelayMs: 100, healthyAfterMs: 60_000, maxRestarts: 2, windowMs: 60_000 },
        readyTimeoutMs: 20_000,
      },
    );
    const firstPid = service.current.child.pid;
    await service.waitUntilReady(20_000);
    service.supervise();
    expect(await service.gaveUp).toBe('crashy keeps crashing');

    expect(notices.map((n) => n.kind)).toEqual(['restart', 'back', 'restart', 'back', 'give-up']);
    expect(notices[0]!.line).toBe('crashy exited with code 3; restarting it in 50 ms (restart 1)');
    expect(notices[2]!.line).toBe('crashy exited with code 3; restarting it in 100 ms (restart 2)');
    expect(notices[4]!.line).toMatch(
      /^crashy exited with code 3; not restarting it, it was restarted 2 times within 1 min and crashed again\. Its last lines:\n/,
    );
    expect(notices[4]!.line).toContain('crashing-service: giving out');
    for (const n of notices.slice(0, 4)) expect(n.line).not.toContain('\n');
    // Each restart is a new process.
    expect(service.current.child.pid).not.toBe(firstPid);
    expect(service.current.running).toBe(false);
  });
});

describe('the environment each child gets', () => {
  /** Secrets and who may hold them; `.env` holds them all, and the launcher has loaded it. */
  const secrets = {
    OPENAI_API_KEY: ['worker:orchestrator'],
    ANTHROPIC_API_KEY: ['worker:orchestrator'],
    GEMINI_API_KEY: ['worker:orchestrator'],
    ORCHESTRATOR_MCP_TOKEN: ['worker:orchestrator'],
    ALPHAVANTAGE_API_KEY: ['worker:finance'],
    JIRA_API_TOKEN: ['worker:it'],
    JIRA_EMAIL: ['worker:it'],
    MCP_AUTH_TOKENS: ['mcp:finance', 'mcp:it'],
    // Every process talks to Temporal.
    TEMPORAL_API_KEY: ['worker:finance', 'worker:it', 'mcp:finance', 'mcp:it', 'worker:orchestrator', 'chat'],
    // In the launcher's environment, read by no part of this project.
    AWS_SECRET_ACCESS_KEY: [],
    GITHUB_TOKEN: [],
  } satisfies Record<string, string[]>;

  const values: Record<keyof typeof secrets, string> = {
    OPENAI_API_KEY: 'sk-test-openai',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    GEMINI_API_KEY: 'AIza-test',
    ORCHESTRATOR_MCP_TOKEN: 'orchestrator-token',
    ALPHAVANTAGE_API_KEY: 'alpha-key',
    JIRA_API_TOKEN: 'jira-token',
    JIRA_EMAIL: 'ops@example.com',
    MCP_AUTH_TOKENS: 'alice:alice-token-0123456789abcdef:tools.read',
    TEMPORAL_API_KEY: 'temporal-key',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    GITHUB_TOKEN: 'gh-token',
  };

  function launcherEnvironment(): Record<string, string> {
    const dotEnv = path.join(mkdtempSync(path.join(tmpdir(), 'launcher-env-')), '.env');
    writeFileSync(
      dotEnv,
      Object.entries(values)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    // What the launcher's process.env looks like once it has loaded that .env.
    return { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: dotEnv, LOG_LEVEL: 'warn', ...values };
  }

  /** Runs the fixture with the environment the launcher gives `spec`'s process; the variables it ends up with. */
  async function variablesSeenBy(spec: ConstructorParameters<typeof ServiceProcess>[0], env: NodeJS.ProcessEnv) {
    const lines: string[] = [];
    const child = new ServiceProcess({ ...spec, entry: 'test/clients/fixtures/print-env.ts' }, env, (l) =>
      lines.push(l),
    );
    expect(await child.exited).toBe(0);
    const line = lines.find((l) => l.startsWith(`[${spec.name}] env: `));
    if (!line) throw new Error(`${spec.name} printed no environment: ${lines.join('\n')}`);
    return JSON.parse(line.slice(`[${spec.name}] env: `.length)) as Record<string, string>;
  }

  it('holds no other process’s secret, even after the child loads .env itself', { timeout: 120_000 }, async () => {
    const env = launcherEnvironment();
    const config = parseConfig({ ...env, JIRA_PROVIDER: 'sample' });
    const seen = await Promise.all([
      ...systemServices(config).map(async (spec) => ({ name: spec.name, vars: await variablesSeenBy(spec, env) })),
      // The chat is spawned directly (no supervisor) with chatEnvironment; the fixture stands in for it the same way.
      variablesSeenBy({ name: 'chat', entry: '' }, chatEnvironment(env)).then((vars) => ({ name: 'chat', vars })),
    ]);
    const held = Object.fromEntries(
      seen.map(({ name, vars }) => [
        name,
        Object.entries(values)
          .filter(([, value]) => Object.values(vars).some((v) => v.includes(value)))
          .map(([secret]) => secret),
      ]),
    );
    const expected = Object.fromEntries(
      seen.map(({ name }) => [
        name,
        Object.entries(secrets)
          .filter(([, holders]) => (holders as string[]).includes(name))
          .map(([secret]) => secret),
      ]),
    );
    expect(held).toEqual(expected);
    for (const { vars } of seen) {
      expect(vars).toMatchObject({ PATH: process.env.PATH, LOG_LEVEL: 'warn' });
      // Not the repository's .env, nor the file ENV_FILE names: the child would read every secret back from it.
      expect(vars.ENV_FILE).toBe(devNull);
    }
  });

  it('gives the chat a stand-in for the API key, so it resolves the same model without holding it', () => {
    const env = launcherEnvironment();
    const chat = chatEnvironment(env);
    expect(chat.OPENAI_API_KEY).toBe(API_KEY_STAND_IN);
    const llm = (e: NodeJS.ProcessEnv) => orchestratorSection.parse(e, () => undefined).llm;
    expect(llm(chat)).toMatchObject({ kind: 'openai', model: llm(env).model });
    expect(chatEnvironment({ PATH: '/bin' }).OPENAI_API_KEY).toBeUndefined();
    // The same for the other providers' keys: the chat's banner names the model the worker will use.
    const claude = { ...env, LLM_MODEL: 'claude-3-5-sonnet-20241022' };
    expect(chatEnvironment(claude).ANTHROPIC_API_KEY).toBe(API_KEY_STAND_IN);
    expect(llm(chatEnvironment(claude))).toMatchObject({ kind: 'anthropic', model: 'claude-3-5-sonnet-20241022' });
  });
});

/** Runs an npm script with only this project's settings and returns its exit code and output. */
async function runScript(args: string[], env: Record<string, string>) {
  const child = spawn('npm', args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/** A listener that is not what the launcher expects there; it hangs up on whoever connects. */
function listen(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const held: Server[] = [];
afterEach(async () => {
  for (const server of held.splice(0)) await new Promise((r) => server.close(r));
});

describe('start-up failures are one line saying what to do', () => {
  it('a taken MCP port: names the port and the process holding it', async () => {
    const port = await freePort();
    held.push(await listen(port));
    expect(portHolder(port)).toMatchObject({ pid: process.pid });

    const { code, stderr } = await runScript(['run', 'services'], {
      FINANCE_MCP_PORT: String(port),
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^start: port ${port} on 127\\.0\\.0\\.1, for the Finance MCP server, is already in use by pid ${process.pid} \\(.+\\): stop it \\(kill ${process.pid}\\), or set FINANCE_MCP_PORT \\(and FINANCE_MCP_URL\\) to a free port$`,
        ),
      ),
    ]);
  });

  it('a taken Temporal port, when the launcher would start the dev server: names it and what holds it', async () => {
    const port = await freePort();
    held.push(await listen(port)); // accepts connections, but is no Temporal server
    const { code, stderr } = await runScript(['run', 'services'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      FINANCE_MCP_PORT: String(await freePort()),
      IT_MCP_PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^start: port ${port} on 127\\.0\\.0\\.1, for the Temporal dev server, is already in use by pid ${process.pid} .*TEMPORAL_ADDRESS`,
        ),
      ),
    ]);
  });

  it('Temporal unreachable from a service run alone: names the address and suggests npm run temporal', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const { code, stderr } = await runScript(['run', 'worker:finance'], { TEMPORAL_ADDRESS: address });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `worker:finance: cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): start it with \`npm run temporal\`, or run everything with \`npm start\``,
    ]);
  });

  it('Temporal unreachable at an address the launcher does not start a server on: names it', async () => {
    // TEST-NET-1 (RFC 5737): never a Temporal server.
    const { code, stderr } = await runScript(['run', 'services'], {
      TEMPORAL_ADDRESS: '192.0.2.1:7233',
      FINANCE_MCP_PORT: String(await freePort()),
      IT_MCP_PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^start: no Temporal server answers at TEMPORAL_ADDRESS=192\.0\.2\.1:7233: .*`npm run temporal`/,
      ),
    ]);
  });
});
