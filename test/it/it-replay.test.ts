/**
 * Determinism guard: recorded session histories (committed under fixtures/) must replay against the current workflow
 * code. `it-session-history.json` was recorded before writes became the one `sessionWrite` Signal (it carries the old
 * per-kind Signals) and is never re-recorded; RECORD_HISTORIES=1 re-records only the current ones, after an intended,
 * versioned change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentsDigest } from '../../shared/tools/workflow-runner';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { startItStack, type ItStack } from '../support/it-stack';
import { prebuiltBundle } from '../support/temporal';

const beforeSessionWrite = new URL('./fixtures/it-session-history.json', import.meta.url);
const fixture = new URL('./fixtures/it-session-history-session-write.json', import.meta.url);
const keyedFixture = new URL('./fixtures/it-session-history-keyed-writes.json', import.meta.url);
let stack: ItStack;

beforeAll(async () => {
  stack = await startItStack({ maxHistoryEvents: 10_000 });
});
afterAll(() => stack?.close());

/** A session with every kind of message, ended by delete, as history JSON (the format the Temporal CLI writes). */
async function recordSession(): Promise<string> {
  const sessionId = await stack.sessions.open();
  await stack.sessions.setJiraProject(sessionId, 'DEMO', { requestId: 'r1' });
  await stack.sessions.recordIp(
    sessionId,
    { ip: '192.0.2.10', source: 'local-interface', detail: 'recorded' },
    { requestId: 'r2' },
  );
  await stack.sessions.setJiraProject(sessionId, 'DEMO', { requestId: 'r1' }); // redelivered
  await stack.sessions.state(sessionId);
  await stack.sessions.recordIp(
    sessionId,
    { ip: '192.0.2.11', source: 'public-ip-service', detail: 'recorded' },
    { requestId: 'r3' },
  );
  await stack.sessions.close(sessionId);
  const handle = stack.client.workflow.getHandle(itSessionWorkflowId(sessionId));
  await handle.result();
  return historyToJSON(await handle.fetchHistory());
}

/** A session since keyed writes carry their tool and arguments digest: a retry, a conflict, a watch's write. */
async function recordKeyedSession(): Promise<string> {
  const sessionId = await stack.sessions.open();
  const demo = { tool: 'set_jira_project', argumentsDigest: argumentsDigest({ project: 'DEMO' }) };
  await stack.sessions.setJiraProject(sessionId, 'DEMO', { requestId: 'k1', keyed: demo });
  await stack.sessions.setJiraProject(sessionId, 'DEMO', { requestId: 'k1', keyed: demo }); // a retry
  const web = { tool: 'set_jira_project', argumentsDigest: argumentsDigest({ project: 'WEB' }) };
  await stack.sessions.setJiraProject(sessionId, 'WEB', { requestId: 'k1', keyed: web }); // a conflict
  await stack.sessions.keyedWrite(sessionId, 'k1');
  const observation = { ip: '192.0.2.12', source: 'local-interface', detail: 'recorded' } as const;
  await stack.sessions.recordIp(sessionId, observation, {
    requestId: 'k2',
    keyed: { tool: 'track_ip', argumentsDigest: argumentsDigest({}) },
  });
  await stack.sessions.recordIp(sessionId, observation, { requestId: 'watch-1' }); // a watch's own write
  await stack.sessions.state(sessionId);
  await stack.sessions.close(sessionId);
  const handle = stack.client.workflow.getHandle(itSessionWorkflowId(sessionId));
  await handle.result();
  return historyToJSON(await handle.fetchHistory());
}

describe('IT session workflow replay', () => {
  it('replays a history recorded with the per-kind write Signals of earlier versions', async () => {
    const history = JSON.parse(readFileSync(beforeSessionWrite, 'utf8'));
    const signals = history.events
      .map((e: any) => e.workflowExecutionSignaledEventAttributes?.signalName)
      .filter(Boolean);
    expect(signals).toEqual(expect.arrayContaining(['setJiraProject', 'recordIp']));
    expect(signals).not.toContain('sessionWrite');
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: prebuiltBundle('it') } },
      history,
      'recorded-before-session-write',
    );
  });

  it('replays the recorded history against the current code', async () => {
    if (process.env.RECORD_HISTORIES === '1') writeFileSync(fixture, await recordSession());
    expect(
      existsSync(fixture),
      'fixtures/it-session-history-session-write.json is missing: run with RECORD_HISTORIES=1',
    ).toBe(true);
    const history = JSON.parse(readFileSync(fixture, 'utf8'));
    expect(history.events.length).toBeGreaterThan(10);
    expect(JSON.stringify(history)).toContain('sessionWrite');
    await Worker.runReplayHistory({ workflowBundle: { codePath: prebuiltBundle('it') } }, history, 'recorded-session');
  });

  it('replays a recorded history of keyed writes (tool and arguments bound to the key)', async () => {
    if (process.env.RECORD_HISTORIES === '1') writeFileSync(keyedFixture, await recordKeyedSession());
    expect(existsSync(keyedFixture), 'fixtures/it-session-history-keyed-writes.json is missing').toBe(true);
    const history = JSON.parse(readFileSync(keyedFixture, 'utf8'));
    const writes = history.events
      .filter((e: any) => e.workflowExecutionSignaledEventAttributes?.signalName === 'sessionWrite')
      .map((e: any) => e.workflowExecutionSignaledEventAttributes.input.payloads[0].data)
      .map((data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8')));
    expect(writes.filter((w: { keyed?: unknown }) => w.keyed)).toHaveLength(4);
    await Worker.runReplayHistory({ workflowBundle: { codePath: prebuiltBundle('it') } }, history, 'keyed-writes');
    const fresh = JSON.parse(await recordKeyedSession());
    await Worker.runReplayHistory({ workflowBundle: { codePath: prebuiltBundle('it') } }, fresh, 'fresh-keyed-writes');
  });

  it('replays a fresh history too (the code is deterministic today)', async () => {
    const history = JSON.parse(await recordSession());
    await Worker.runReplayHistory({ workflowBundle: { codePath: prebuiltBundle('it') } }, history, 'fresh-session');
  });
});
