/**
 * Authenticated MCP over HTTP: 401 with WWW-Authenticate and Protected Resource Metadata, static tokens and JWTs
 * (verified against a local JWKS; a JWT without a string `sub` is refused), scopes per tool and per state change
 * (DELETE /mcp, the IT server's 2025-era initialize, tasks/cancel: 403 and nothing changes), an initialize refused
 * for any reason opens no session, the caller recorded in Temporal, IT sessions bound to the identity that opened
 * them (static and JWT subjects apart), and no unauthenticated server off loopback.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, projectRoot, type McpAuthConfig } from '../../shared/config';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { taskWorkflowId } from '../../mcp-servers/adapter/tasks/task-workflows';
import { callerScope } from '../../shared/caller-scope';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import { sendJson, startHttpFake, type HttpFake } from '../fakes/http-fake';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import { modernRequest, postMcp, toolCall } from '../support/mcp-client';
import { waitFor } from '../support/processes';
import { testConfig } from '../support/temporal';

const ALICE = 'tok_alice_0123456789abcdef';
const BOB = 'tok_bob_0123456789abcdef01';
const READER = 'tok_reader_0123456789abcdef';
/** The reader's step-up token: the same subject with the write scope as well. */
const READER_STEP_UP = 'tok_reader_rw_0123456789abcd';
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
      { subject: 'reader', token: READER_STEP_UP, scopes: ['tools.read', 'tools.write'] },
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

const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

async function initialize(url: string, token: string): Promise<string> {
  const res = await postMcp(url, initializeRequest, bearer(token));
  expect(res.status).toBe(200);
  return res.headers.get('mcp-session-id')!;
}

/** A JWT for the IT server with its own subject, so the sessions it opens are this test's alone. */
async function itJwt(sub: unknown, scope = 'tools.read tools.write'): Promise<string> {
  return jwt({ sub, scope }, { audience: itHttp.url });
}

/** The running IT session workflows of a caller (visibility, which lags a little behind the starts). */
async function runningSessions(caller: string): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowId STARTS_WITH "it-session-${callerScope(caller)}-" AND ExecutionStatus = "Running"`;
  for await (const wf of it2.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

/**
 * The caller's running sessions once visibility has caught up: opens one more, a marker, and waits until the listing
 * shows it; whatever was started before it is listed by then as well. The marker is left out of the answer.
 */
async function settledSessions(caller: string, token: string): Promise<string[]> {
  const marker = itSessionWorkflowId(await initialize(itHttp.url, token), caller);
  let ids: string[] = [];
  await waitFor('the marker session in visibility', async () => (ids = await runningSessions(caller)).includes(marker));
  return ids.filter((id) => id !== marker);
}

/** Asserts a 403 step-up challenge naming both scopes and what was refused. */
function expectWriteChallenge(res: { status: number; headers: Headers; text: string }, description: string) {
  expect(res.status).toBe(403);
  const challenge = res.headers.get('www-authenticate')!;
  expect(challenge).toMatch(/^Bearer error="insufficient_scope"/);
  expect(challenge).toContain('scope="tools.read tools.write"');
  expect(challenge).toMatch(
    /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/,
  );
  expect(JSON.parse(res.text)).toEqual({ error: 'insufficient_scope', error_description: description });
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

  it('a JWT whose sub is not a non-empty string gets 401 naming the claim, and opens nothing', async () => {
    for (const sub of [42, { id: 'carol' }, ['carol'], true, '']) {
      const token = await itJwt(sub);
      const res = await postMcp(itHttp.url, initializeRequest, bearer(token));
      expect(res.status, JSON.stringify(sub)).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(res.json).toEqual({
        error: 'invalid_token',
        error_description: 'Invalid token: the sub claim must be a non-empty string',
      });
    }
    // Served before, and in the shared anonymous scope (the scope of stdio and of loopback without auth).
    expect((await postMcp(finance.url, toolCall('calculate_roi', roi), bearer(await itJwt(7)))).status).toBe(401);
  });
});

describe('scopes', () => {
  it('a read-only token cannot call a tool that changes state: 403 with a scope challenge, and the session is unchanged', async () => {
    const sessionId = await initialize(itHttp.url, READER_STEP_UP);
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

describe('state changes beyond tool calls need tools.write', () => {
  it('DELETE /mcp with a read-only token: 403 with the challenge, and the session still answers', async () => {
    const sessionId = await initialize(itHttp.url, READER_STEP_UP);
    const session = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    const denied = await fetch(itHttp.url, { method: 'DELETE', headers: { ...bearer(READER), ...session } });
    expectWriteChallenge(
      { status: denied.status, headers: denied.headers, text: await denied.text() },
      'DELETE /mcp ends a session and needs the tools.write scope',
    );
    expect(await it2.sessions.exists(sessionId, 'reader')).toBe(true);
    const read = await postMcp(itHttp.url, toolCall('get_ip_history', {}), { ...bearer(READER), ...session });
    expect(read.status).toBe(200);
    expect(read.json.result.isError).toBeUndefined();

    const deleted = await fetch(itHttp.url, { method: 'DELETE', headers: { ...bearer(READER_STEP_UP), ...session } });
    expect(deleted.status).toBe(200);
    expect((await postMcp(itHttp.url, toolCall('get_ip_history', {}), { ...bearer(READER), ...session })).status).toBe(
      404,
    );
  });

  it("the IT server's 2025-era initialize with a read-only token: 403, and no session is opened", async () => {
    const sub = `reader-${randomUUID()}`;
    const denied = await postMcp(itHttp.url, initializeRequest, bearer(await itJwt(sub, 'tools.read')));
    expectWriteChallenge(denied, 'initialize opens a durable session and needs the tools.write scope');
    expect(denied.headers.get('mcp-session-id')).toBeNull();
    expect(await settledSessions(`jwt:${sub}`, await itJwt(sub))).toEqual([]);
  });

  it("the finance server's initialize opens nothing and stays a read", async () => {
    const res = await postMcp(finance.url, initializeRequest, bearer(READER));
    expect(res.status).toBe(200);
    expect(res.json.result.protocolVersion).toBe('2025-11-25');
    expect(res.headers.get('mcp-session-id')).toBeNull();
  });

  it('tasks/cancel with a read-only token: 403 with the challenge, and the task runs on', async () => {
    const sub = `tess-${randomUUID()}`;
    const [writer, reader] = [await itJwt(sub), await itJwt(sub, 'tools.read')];
    const send = (method: string, params: Record<string, unknown>, token: string) => {
      const meta = { [CLIENT_CAPABILITIES_META_KEY]: { extensions: { 'io.modelcontextprotocol/tasks': {} } } };
      const { body, headers } = modernRequest(method, { ...params, _meta: meta });
      // Mcp-Name routes a tasks/* request by its task id, as it routes tools/call by the tool's name.
      if (typeof params.taskId === 'string') headers['mcp-name'] = params.taskId;
      return postMcp(itHttp.url, body, { ...headers, ...bearer(token) });
    };
    const created = await send(
      'tools/call',
      { name: 'watch_ip', arguments: { every_seconds: 1, for_minutes: 10 } },
      writer,
    );
    expect(created.json.result).toMatchObject({ resultType: 'task', status: 'working' });
    const { taskId } = created.json.result;

    expectWriteChallenge(
      await send('tasks/cancel', { taskId }, reader),
      'tasks/cancel stops a task and needs the tools.write scope',
    );
    const handle = it2.client.workflow.getHandle(taskWorkflowId(taskId, `jwt:${sub}`));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await send('tasks/get', { taskId }, reader)).json.result.status).toBe('working');

    expect((await send('tasks/cancel', { taskId }, writer)).json.result).toMatchObject({ resultType: 'complete' });
    await waitFor('the task cancelled', async () => (await handle.describe()).status.name === 'CANCELLED');
  });
});

describe('an initialize is checked before it opens anything', () => {
  const initializeAs = async (sub: string, headers: Record<string, string>, body: unknown = initializeRequest) =>
    postMcp(itHttp.url, body, { ...bearer(await itJwt(sub)), ...headers });

  it('a wrong Accept gets 406, and no session is opened', async () => {
    const sub = `prober-${randomUUID()}`;
    const res = await initializeAs(sub, { accept: 'application/json' });
    expect(res.status).toBe(406);
    expect(res.json.error.message).toMatch(
      /^Not Acceptable: Client must accept both application\/json and text\/event-stream/,
    );
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(await settledSessions(`jwt:${sub}`, await itJwt(sub))).toEqual([]);
  });

  it('an unsupported MCP-Protocol-Version or invalid params get 400 naming what is wrong, and no session', async () => {
    const sub = `prober-${randomUUID()}`;
    const badVersion = await initializeAs(sub, { 'mcp-protocol-version': '1999-01-01' });
    expect(badVersion.status).toBe(400);
    expect(badVersion.json.error.message).toMatch(
      /^Bad Request: Unsupported protocol version: 1999-01-01 \(supported versions: 2025-11-25, /,
    );
    const noClientInfo = { ...initializeRequest, params: { protocolVersion: '2025-11-25', capabilities: {} } };
    const invalid = await initializeAs(sub, {}, noClientInfo);
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toEqual({
      code: -32602,
      message: expect.stringMatching(/^Invalid params: initialize needs .*params\.clientInfo/),
    });
    for (const res of [badVersion, invalid]) expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(await settledSessions(`jwt:${sub}`, await itJwt(sub))).toEqual([]);
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

describe('token kinds are kept apart', () => {
  it("a JWT with sub alice is not the static token of subject alice: neither reaches the other's session", async () => {
    const jwtAlice = await itJwt('alice');
    const staticSession = await initialize(itHttp.url, ALICE);
    const jwtSession = await initialize(itHttp.url, jwtAlice);
    const as = (token: string, sessionId: string) => ({
      ...bearer(token),
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    });
    expect(
      (await postMcp(itHttp.url, toolCall('set_jira_project', { project: 'WEB' }), as(ALICE, staticSession))).status,
    ).toBe(200);

    const peek = await postMcp(itHttp.url, toolCall('get_jira_metrics', {}), as(jwtAlice, staticSession));
    expect(peek.status).toBe(404);
    expect(peek.text).not.toContain('WEB');
    expect((await postMcp(itHttp.url, toolCall('get_ip_history', {}), as(ALICE, jwtSession))).status).toBe(404);
    // The 2026 path, naming the handle as an argument: the same answer as for a handle that never existed.
    const { body, headers } = modernRequest('tools/call', {
      name: 'get_jira_metrics',
      arguments: { session_id: staticSession },
    });
    const named = await postMcp(itHttp.url, body, { ...headers, ...bearer(jwtAlice) });
    expect(named.json.result).toMatchObject({
      isError: true,
      _meta: { 'durable-mcp-agents/error': 'session_not_found' },
    });
    expect(named.text).not.toContain('WEB');

    // Recorded as who they are: the JWT caller under its prefix, in a scope of its own.
    const jwtWorkflow = await it2.client.workflow.getHandle(itSessionWorkflowId(jwtSession, 'jwt:alice')).describe();
    expect(jwtWorkflow.memo?.owner).toBe('jwt:alice');
    const staticWorkflow = await it2.client.workflow.getHandle(itSessionWorkflowId(staticSession, 'alice')).describe();
    expect(staticWorkflow.memo?.owner).toBe('alice');
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
    // A static subject never contains ':', so it can never equal a JWT caller (`jwt:<sub>`).
    expect(() => parseConfig({ MCP_AUTH_TOKENS: `jwt:alice:${ALICE}:tools.read` })).toThrow(
      /^Invalid configuration: MCP_AUTH_TOKENS: /,
    );
  });
});
