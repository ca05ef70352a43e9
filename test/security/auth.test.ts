/**
 * Authenticated MCP over HTTP: 401 with WWW-Authenticate and Protected Resource Metadata, static tokens and JWTs
 * (verified against a local JWKS), scopes per tool (403 and nothing changes), the caller recorded in Temporal, IT
 * sessions bound to the identity that opened them, and no unauthenticated server off loopback.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, projectRoot, type McpAuthConfig } from '../../shared/config';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import { sendJson, startHttpFake, type HttpFake } from '../fakes/http-fake';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import { postMcp, toolCall } from '../support/mcp-client';
import { testConfig } from '../support/temporal';

const ALICE = 'tok_alice_0123456789abcdef';
const BOB = 'tok_bob_0123456789abcdef01';
const READER = 'tok_reader_0123456789abcdef';
const ISSUER = 'https://issuer.test';

let jwks: HttpFake;
let signer: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let finance: FinanceStack;
let it2: ItStack;
let itHttp: RunningHttpServer;

async function jwt(
  claims: Record<string, unknown>,
  opts: { audience: string; expiresIn?: string | number },
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
    .sign(signer);
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  signer = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = await startHttpFake((_req, res) => sendJson(res, 200, { keys: [jwk] }));
  const auth: McpAuthConfig = {
    staticTokens: [
      { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
      { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
      { subject: 'reader', token: READER, scopes: ['tools.read'] },
    ],
    jwt: { issuer: ISSUER, jwksUrl: `${jwks.url}/.well-known/jwks.json` },
  };
  finance = await startFinanceStack({ auth: { config: auth } });
  it2 = await startItStack();
  itHttp = await it2.startHttp({ auth: { config: auth } });
});
afterAll(async () => {
  await it2?.close();
  await finance?.close();
  await jwks?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const roi = { principal: 10000, annual_rate: 0.05, years: 10 };

async function initialize(url: string, token: string): Promise<string> {
  const res = await postMcp(
    url,
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    },
    bearer(token),
  );
  expect(res.status).toBe(200);
  return res.headers.get('mcp-session-id')!;
}

describe('bearer authentication', () => {
  it('a request without a token gets 401 with WWW-Authenticate pointing at the Protected Resource Metadata', async () => {
    const res = await postMcp(finance.url, toolCall('calculate_roi', roi));
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    const metadataUrl = `${new URL(finance.url).origin}/.well-known/oauth-protected-resource/mcp`;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(challenge).toContain('error="invalid_token"');

    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toEqual({
      resource: finance.url,
      authorization_servers: [ISSUER],
      scopes_supported: ['tools.read', 'tools.write'],
      bearer_methods_supported: ['header'],
      resource_name: 'durable-mcp-agents',
    });
    expect((await fetch(`${new URL(finance.url).origin}/.well-known/oauth-protected-resource`)).status).toBe(200);
  });

  it('an unknown or malformed token gets 401 and changes nothing', async () => {
    for (const authorization of ['Bearer tok_nobody_0123456789abcdef', 'Basic YWxpY2U6cHc=', 'Bearer']) {
      const res = await postMcp(finance.url, toolCall('stock_price', { symbol: 'AAPL' }), { authorization });
      expect(res.status, authorization).toBe(401);
    }
    expect(finance.quoteCalls).toEqual([]);
  });

  it('a static token works, and the finance workflow records who called', async () => {
    const key = `auth-${randomUUID()}`;
    const res = await postMcp(finance.url, toolCall('calculate_roi', roi, 1, { idempotencyKey: key }), bearer(ALICE));
    expect(res.status).toBe(200);
    expect(res.json.result.structuredContent.final_value).toBe(16288.95);
    const financeClient = new Client({
      connection: finance.client.connection,
      namespace: testConfig().temporal.namespaces.finance,
    });
    const description = await financeClient.workflow
      .getHandle(keyedWorkflowId('calculate_roi', 'alice', key))
      .describe();
    expect(description.memo?.caller).toBe('alice');
    expect(await description.staticSummary()).toMatch(/by alice$/);
  });

  it('JWTs from the configured issuer are verified against its JWKS: audience and expiry count', async () => {
    const good = await jwt({ sub: 'carol', scope: 'tools.read' }, { audience: finance.url });
    expect((await postMcp(finance.url, toolCall('calculate_roi', roi), bearer(good))).status).toBe(200);

    const otherAudience = await jwt(
      { sub: 'carol', scope: 'tools.read' },
      { audience: 'http://elsewhere.example/mcp' },
    );
    const expired = await jwt(
      { sub: 'carol', scope: 'tools.read' },
      { audience: finance.url, expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    for (const token of [otherAudience, expired]) {
      const res = await postMcp(finance.url, toolCall('calculate_roi', roi), bearer(token));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const noScope = await jwt({ sub: 'carol' }, { audience: finance.url });
    const res = await postMcp(finance.url, toolCall('calculate_roi', roi), bearer(noScope));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});

describe('scopes', () => {
  it('a read-only token cannot call a tool that changes state: 403 with a scope challenge, and the session is unchanged', async () => {
    const sessionId = await initialize(itHttp.url, READER);
    const headers = { ...bearer(READER), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    const denied = await postMcp(itHttp.url, toolCall('set_jira_project', { project: 'OPS' }), headers);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(denied.headers.get('www-authenticate')).toMatch(/scope="tools.read tools.write"/);
    expect(denied.headers.get('www-authenticate')).toMatch(
      /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
    expect(denied.json).toMatchObject({
      error: 'insufficient_scope',
      error_description: 'set_jira_project changes state and needs the tools.write scope',
    });
    const read = await postMcp(itHttp.url, toolCall('get_ip_history', {}), headers);
    expect(read.status).toBe(200);
    const state = await it2.sessions.state(sessionId, 'reader');
    expect(state.jira_project).toBeNull();
    expect(state.operations).toBe(0);
  });
});

describe('identity', () => {
  it('an IT session belongs to the identity that opened it: another identity gets 404 and sees nothing', async () => {
    const sessionId = await initialize(itHttp.url, ALICE);
    const asAlice = { ...bearer(ALICE), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    const asBob = { ...bearer(BOB), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    expect((await postMcp(itHttp.url, toolCall('set_jira_project', { project: 'WEB' }), asAlice)).status).toBe(200);

    const peek = await postMcp(itHttp.url, toolCall('get_jira_metrics', {}), asBob);
    expect(peek.status).toBe(404);
    expect(peek.text).not.toContain('WEB');
    expect((await postMcp(itHttp.url, toolCall('set_jira_project', { project: 'OPS' }), asBob)).status).toBe(404);
    const del = await fetch(itHttp.url, { method: 'DELETE', headers: asBob });
    expect(del.status).toBe(404);

    const metrics = await postMcp(itHttp.url, toolCall('get_jira_metrics', {}), asAlice);
    expect(metrics.json.result.structuredContent.project).toBe('WEB');
    const description = await it2.client.workflow.getHandle(itSessionWorkflowId(sessionId, 'alice')).describe();
    expect(description.memo?.owner).toBe('alice');
    const history = JSON.stringify(
      await it2.client.workflow.getHandle(itSessionWorkflowId(sessionId, 'alice')).fetchHistory(),
    );
    expect(history).not.toContain(ALICE);
  });
});

describe('configuration', () => {
  it('refuses to serve off loopback without authentication', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'mcp-servers/finance/main.ts'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENV_FILE: '/nonexistent',
        MCP_HOST: '0.0.0.0',
        FINANCE_MCP_PORT: '65001',
        TEMPORAL_ADDRESS: testConfig().temporal.address,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /refusing to serve on MCP_HOST=0\.0\.0\.0 without authentication: set MCP_AUTH_TOKENS or MCP_AUTH_JWT_ISSUER/,
    );
  });

  it('parses MCP_AUTH_TOKENS, and a malformed value fails naming the variable without echoing tokens', () => {
    expect(
      parseConfig({ MCP_AUTH_TOKENS: `alice:${ALICE}:tools.read tools.write;reader:${READER}:tools.read` }).mcp.auth!
        .staticTokens,
    ).toEqual([
      { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
      { subject: 'reader', token: READER, scopes: ['tools.read'] },
    ]);
    let error: unknown;
    try {
      parseConfig({ MCP_AUTH_TOKENS: 'alice:short:tools.read' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: MCP_AUTH_TOKENS: /);
    expect((error as Error).message).not.toContain('short');
    expect(() => parseConfig({ MCP_AUTH_JWT_ISSUER: ISSUER })).toThrow(/MCP_AUTH_JWKS_URL/);
  });
});
