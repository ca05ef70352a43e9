import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configVariables,
  financeMcpListenSection,
  financeQueueSection,
  financeSection,
  itMcpListenSection,
  itSection,
  itSessionsSection,
  mcpServingSection,
  orchestratorSection,
  parseConfig,
  parseSections,
  projectRoot,
  temporalSection,
  temporalUiSection,
  type Env,
} from '../../shared/config';
import { configuredWebUi } from '../../shared/temporal/web-ui';

/** Mistakes in settings only the orchestrator and the IT worker read. */
const LLM_AND_JIRA_MISTAKES = { LLM_MODEL: 'gpt-4o', JIRA_PROVIDER: 'cloud' };

function parseTemporal(env: Env): { temporal: ReturnType<typeof temporalSection.parse>; warnings: string[] } {
  const warnings: string[] = [];
  return { temporal: temporalSection.parse(env, (w) => warnings.push(w)), warnings };
}

/** Real PEM-shaped files: the config reads them at start. */
function certificateFiles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-tls-'));
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  return {
    dir,
    cert: file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n'),
    key: file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n'),
    ca: file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n'),
  };
}

function runEntry(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ENV_FILE: '/nonexistent', ...env },
    encoding: 'utf8',
  });
}

describe('config', () => {
  it('has working defaults for an empty environment', () => {
    const config = parseConfig({ HOME: '/home/someone' });
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespaces: { orchestrator: 'default', finance: 'finance-namespace', it: 'it-namespace' },
      apiKey: undefined,
      tls: undefined,
    });
    expect(config.devServer.uiPort).toBe(8233);
    expect(config.devServer.cliCacheDir).toBe('/home/someone/.cache/durable-mcp-agents/temporal-cli');
    expect(config.orchestrator.llm).toMatchObject({ kind: 'offline', model: 'offline' });
  });

  it('names the variable and the problem in one line', () => {
    expect(() => parseConfig({ TEMPORAL_UI_PORT: 'eighty' })).toThrowError(
      /^Invalid configuration: TEMPORAL_UI_PORT: .*\(got "eighty"\)$/,
    );
    expect(() => parseConfig({ TEMPORAL_ADDRESS: 'http://x' })).toThrowError(/TEMPORAL_ADDRESS: expected host:port/);
    expect(() => parseConfig({ TEMPORAL_TLS: 'maybe' })).toThrowError(ConfigError);
  });

  it("refuses a memory budget the conversation's state could not carry past Temporal's 2 MB payload limit", () => {
    expect(() => parseConfig({ CONTEXT_MAX_TOKENS: '1000000' })).toThrowError(/CONTEXT_MAX_TOKENS: /);
    expect(parseConfig({ CONTEXT_MAX_TOKENS: '200000' }).orchestrator.context.maxTokens).toBe(200_000);
  });

  it('never echoes a secret in an error', () => {
    try {
      parseConfig({
        TEMPORAL_API_KEY: 'sk-secret',
        TEMPORAL_TLS: 'false',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca.pem',
      });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
      expect(String(err)).not.toContain('sk-secret');
    }
    try {
      parseConfig({
        OPENAI_API: 'nope',
        OPENAI_API_KEY: 'sk-openai',
        JIRA_API_TOKEN: 'jira-secret',
        JIRA_TIMEOUT_MS: 'x',
      });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toMatch(/sk-openai|jira-secret/);
    }
  });
});

describe('each process parses only its own sections', () => {
  it('an LLM or Jira mistake does not affect the finance worker', () => {
    const env = { HOME: '/home/someone', ...LLM_AND_JIRA_MISTAKES };
    const finance = parseSections(env, { temporal: temporalSection, finance: financeSection });
    expect(finance.finance).toMatchObject({ taskQueue: 'finance-tools', quoteProvider: 'sample' });
    expect(finance.temporal.namespaces.finance).toBe('finance-namespace');
    // The same settings do stop the processes that read them.
    expect(() => parseSections(env, { orchestrator: orchestratorSection })).toThrowError(
      /^Invalid configuration: LLM_MODEL: gpt-4o needs OPENAI_API_KEY or OPENAI_BASE_URL/,
    );
    expect(() => parseSections(env, { it: itSection })).toThrowError(
      /^Invalid configuration: JIRA_BASE_URL: required when JIRA_PROVIDER=cloud$/,
    );
  });

  it("an MCP server reads neither its worker's providers nor the other server's port", () => {
    const env = {
      ...LLM_AND_JIRA_MISTAKES,
      QUOTE_PROVIDER: 'alphavantage',
      IT_MCP_PORT: 'not-a-port',
      FINANCE_MCP_PORT: '9001',
    };
    const server = { temporal: temporalSection, mcp: mcpServingSection };
    const finance = parseSections(env, { ...server, listen: financeMcpListenSection, finance: financeQueueSection });
    expect(finance.listen.port).toBe(9001);
    expect(finance.finance).toEqual({ taskQueue: 'finance-tools' });
    expect(() => parseSections(env, { finance: financeSection })).toThrowError(
      /ALPHAVANTAGE_API_KEY: required when QUOTE_PROVIDER=alphavantage/,
    );

    const it = parseSections(
      { ...env, IT_MCP_PORT: '9002' },
      { ...server, listen: itMcpListenSection, it: itSessionsSection },
    );
    expect(it.it).toEqual({ taskQueue: 'it-tools', stdioSessionId: undefined, sessionIdleTimeoutMs: 604_800_000 });
  });

  it('reports the problems of every section it parses together, each naming its variable', () => {
    expect(() => parseConfig(LLM_AND_JIRA_MISTAKES)).toThrowError(/JIRA_BASE_URL: required.*; LLM_MODEL: gpt-4o needs/);
  });
});

describe('the Temporal connection (envconfig)', () => {
  it('turns TLS on for an API key (Temporal Cloud) and reads an mTLS pair from the standard names', () => {
    const files = certificateFiles();
    expect(parseTemporal({ TEMPORAL_API_KEY: 'k' }).temporal).toMatchObject({ apiKey: 'k', tls: {} });
    const { temporal } = parseTemporal({
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(temporal.tls?.serverNameOverride).toBe('temporal.internal');
    expect(Buffer.from(temporal.tls!.clientCertPair!.crt).toString()).toBe(readFileSync(files.cert, 'utf8'));
    expect(Buffer.from(temporal.tls!.clientCertPair!.key).toString()).toBe(readFileSync(files.key, 'utf8'));
    expect(Buffer.from(temporal.tls!.serverRootCACertificate!).toString()).toBe(readFileSync(files.ca, 'utf8'));
    expect(parseTemporal({ TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({});
    expect(parseTemporal({ TEMPORAL_TLS: 'yes' }).temporal.tls).toEqual({});
    expect(parseTemporal({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).temporal.tls).toBeUndefined();
  });

  it('names the variable and the path of a certificate it cannot read', () => {
    expect(() => parseTemporal({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent' })).toThrowError(
      /^Invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read \/nonexistent \(no such file\)$/,
    );
    const files = certificateFiles();
    expect(() => parseTemporal({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.dir })).toThrowError(
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${files.dir} (it is a folder)`,
    );
    expect(() => parseTemporal({ TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert })).toThrowError(
      /TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: set both for mTLS, or neither/,
    );
    expect(() => parseTemporal({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca })).toThrowError(
      /TEMPORAL_TLS: is false/,
    );
  });

  it('still reads the old TLS names, with a deprecation warning, and names them in errors', () => {
    const files = certificateFiles();
    const old = parseTemporal({
      TEMPORAL_TLS_CERT_PATH: files.cert,
      TEMPORAL_TLS_KEY_PATH: files.key,
      TEMPORAL_TLS_CA_PATH: files.ca,
    });
    const standard = parseTemporal({
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
    });
    expect(old.temporal).toEqual(standard.temporal);
    expect(standard.warnings).toEqual([]);
    expect(old.warnings).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CERT_PATH is deprecated: rename it TEMPORAL_TLS_CLIENT_CERT_PATH/),
      expect.stringMatching(/^TEMPORAL_TLS_KEY_PATH is deprecated: rename it TEMPORAL_TLS_CLIENT_KEY_PATH/),
      expect.stringMatching(/^TEMPORAL_TLS_CA_PATH is deprecated: rename it TEMPORAL_TLS_SERVER_CA_CERT_PATH/),
    ]);
    expect(() =>
      parseTemporal({ TEMPORAL_TLS_CERT_PATH: '/nonexistent', TEMPORAL_TLS_KEY_PATH: files.key }),
    ).toThrowError(/^Invalid configuration: TEMPORAL_TLS_CERT_PATH: cannot read \/nonexistent \(no such file\)$/);
    expect(() =>
      parseTemporal({ TEMPORAL_TLS_CA_PATH: files.ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.cert }),
    ).toThrowError(/TEMPORAL_TLS_CA_PATH: replaced by TEMPORAL_TLS_SERVER_CA_CERT_PATH, which is set to another value/);
  });

  it('reads a profile of the TOML profile file, with the variables over it', () => {
    const files = certificateFiles();
    const toml = path.join(files.dir, 'temporal.toml');
    writeFileSync(
      toml,
      [
        '[profile.default]',
        'address = "temporal.internal:7233"',
        'namespace = "agents"',
        '[profile.default.grpc_meta]',
        'x-team = "tools"',
        '[profile.cloud]',
        'address = "agents.a1b2c.tmprl.cloud:7233"',
        'api_key = "profile-key"',
        '[profile.broken]',
        '[profile.broken.tls]',
        'client_cert_path = "/nonexistent/client.pem"',
        `client_key_path = "${files.key}"`,
      ].join('\n'),
    );
    const fromFile = parseTemporal({ TEMPORAL_CONFIG_FILE: toml }).temporal;
    expect(fromFile).toMatchObject({
      address: 'temporal.internal:7233',
      tls: undefined,
      metadata: { 'x-team': 'tools' },
    });
    // The profile's namespace is the orchestrator's; the tool namespaces are this project's own.
    expect(fromFile.namespaces).toEqual({ orchestrator: 'agents', finance: 'finance-namespace', it: 'it-namespace' });
    expect(parseTemporal({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_ADDRESS: '127.0.0.1:7300' }).temporal.address).toBe(
      '127.0.0.1:7300',
    );
    expect(parseTemporal({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' }).temporal).toMatchObject({
      address: 'agents.a1b2c.tmprl.cloud:7233',
      apiKey: 'profile-key',
      tls: {},
    });
    // The default file is found the way the temporal CLI finds it.
    mkdirSync(path.join(files.dir, 'xdg', 'temporalio'), { recursive: true });
    writeFileSync(
      path.join(files.dir, 'xdg', 'temporalio', 'temporal.toml'),
      '[profile.default]\naddress = "from-xdg:7233"\n',
    );
    expect(parseTemporal({ XDG_CONFIG_HOME: path.join(files.dir, 'xdg') }).temporal.address).toBe('from-xdg:7233');

    expect(() => parseTemporal({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' })).toThrowError(
      `TEMPORAL_PROFILE: no profile "staging" in ${toml}`,
    );
    expect(() => parseTemporal({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'broken' })).toThrowError(
      `tls.client_cert_path of profile "broken" in ${toml}: cannot read /nonexistent/client.pem (no such file)`,
    );
    expect(() => parseTemporal({ TEMPORAL_CONFIG_FILE: path.join(files.dir, 'missing.toml') })).toThrowError(
      /^Invalid configuration: TEMPORAL_CONFIG_FILE: no such file /,
    );
  });
});

describe('Temporal Web UI links', () => {
  it('TEMPORAL_UI_URL, without its trailing slash, is the one UI known without asking the server', () => {
    const ui = (env: Env) => parseSections(env, { temporal: temporalSection, ui: temporalUiSection });
    expect(configuredWebUi(ui({}).ui)).toBeUndefined();
    expect(configuredWebUi(ui({ TEMPORAL_ADDRESS: 'localhost:7300', TEMPORAL_UI_PORT: '8300' }).ui)).toBeUndefined();
    const configured = ui({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_UI_URL: 'https://temporal-ui.internal/',
    });
    expect(configuredWebUi(configured.ui)).toBe('https://temporal-ui.internal');
  });
});

describe('a process that fails at start', () => {
  it('says so in one line and exits 1', () => {
    const run = runEntry('shared/bin/temporal.ts', { TEMPORAL_ADDRESS: '127.0.0.1:notaport' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^temporal: Invalid configuration: TEMPORAL_ADDRESS: /),
    ]);
  });

  it('TEMPORAL_TLS_CLIENT_CERT_PATH=/nonexistent npm run worker:finance: one line naming that path', () => {
    const run = runEntry('tool-workers/finance/main.ts', { TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'worker:finance: Invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read /nonexistent (no such file)',
    ]);
  });

  it('logs the deprecation of an old TLS name it still reads', () => {
    const { ca } = certificateFiles();
    // Nothing listens on port 1: the process gets as far as connecting, after its config has been read.
    const run = runEntry('tool-workers/it/main.ts', {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_TLS_CA_PATH: ca,
      LOG_LEVEL: 'warn',
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      name: 'worker:it',
      msg: expect.stringMatching(/^TEMPORAL_TLS_CA_PATH is deprecated/),
    });
    expect(lines.at(-1)).toMatch(/^worker:it: cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS\)/);
  });
});

describe('.env.example', () => {
  it('parses as is (every documented default is valid), and documents every variable a section reads', () => {
    const env = parseEnv(readFileSync(`${projectRoot}/.env.example`, 'utf8')) as Record<string, string>;
    expect(() => parseConfig(env)).not.toThrow();
    expect(Object.keys(env).sort()).toEqual([...configVariables].sort());
    expect(parseConfig(env).mcp.financePort).toBe(8001);
  });
});

describe('configuration table (docs/configuration.md)', () => {
  it('lists every variable a section reads, with the default .env.example gives it', () => {
    const table = readFileSync(`${projectRoot}/docs/configuration.md`, 'utf8');
    const env = parseEnv(readFileSync(`${projectRoot}/.env.example`, 'utf8')) as Record<string, string>;
    const rows = new Map(
      [...table.matchAll(/^\| `([A-Z0-9_]+)` \| (`([^`]*)`|—) \|/gm)].map((m) => [m[1]!, m[3] ?? '']),
    );
    expect([...rows.keys()].sort()).toEqual([...configVariables].sort());
    for (const [name, value] of rows) expect(value, name).toBe(env[name] ?? '');
  });
});
