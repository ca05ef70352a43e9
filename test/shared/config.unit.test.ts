import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, projectRoot } from '../../shared/config';

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
  });

  it('names the variable and the problem in one line', () => {
    expect(() => parseConfig({ TEMPORAL_UI_PORT: 'eighty' })).toThrowError(/^Invalid configuration: TEMPORAL_UI_PORT: .*\(got "eighty"\)$/);
    expect(() => parseConfig({ TEMPORAL_ADDRESS: 'http://x' })).toThrowError(/TEMPORAL_ADDRESS: expected host:port/);
    expect(() => parseConfig({ TEMPORAL_TLS: 'maybe' })).toThrowError(ConfigError);
  });

  it('never echoes a secret in an error', () => {
    try {
      parseConfig({ TEMPORAL_API_KEY: 'sk-secret', TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: '/ca.pem' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('sk-secret');
    }
  });

  it('turns TLS on for an API key (Temporal Cloud) and carries an mTLS pair', () => {
    expect(parseConfig({ TEMPORAL_API_KEY: 'k' }).temporal.tls).toEqual({});
    expect(
      parseConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem', TEMPORAL_TLS_KEY_PATH: '/k.pem' }).temporal.tls,
    ).toMatchObject({ clientCertPath: '/c.pem', clientKeyPath: '/k.pem' });
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrowError(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/);
    expect(parseConfig({ TEMPORAL_TLS: 'true' }).temporal.tls).toBeDefined();
  });

  it('fails a process at start with that one line and exit code 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'shared/bin/temporal.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:notaport', ENV_FILE: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^temporal: Invalid configuration: TEMPORAL_ADDRESS: /)]);
  });
});

describe('.env.example', () => {
  it('parses as is (every documented default is valid), and documents every variable of the schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseEnv } = await import('node:util');
    const { configSchema } = await import('../../shared/config');
    const example = readFileSync(`${projectRoot}/.env.example`, 'utf8');
    const env = parseEnv(example) as Record<string, string>;
    expect(() => parseConfig(env)).not.toThrow();
    expect(Object.keys(env).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(parseConfig(env).mcp.financePort).toBe(8001);
  });
});

describe('README configuration table', () => {
  it('lists every variable of the schema with the default .env.example gives it', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseEnv } = await import('node:util');
    const { configSchema } = await import('../../shared/config');
    const readme = readFileSync(`${projectRoot}/README.md`, 'utf8');
    const env = parseEnv(readFileSync(`${projectRoot}/.env.example`, 'utf8')) as Record<string, string>;
    const rows = new Map([...readme.matchAll(/^\| `([A-Z0-9_]+)` \| (`([^`]*)`|—) \|/gm)].map((m) => [m[1]!, m[3] ?? '']));
    expect([...rows.keys()].sort()).toEqual(Object.keys(configSchema.shape).sort());
    for (const [name, value] of rows) expect(value, name).toBe(env[name] ?? '');
  });
});
