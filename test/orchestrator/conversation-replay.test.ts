/**
 * Determinism guard: recorded conversations (offline planner, MCP and local tool calls, a context trim, the end
 * signal) must replay against the current workflow code. Four recordings, each standing for conversations that were
 * running when the next patch was deployed, never re-recorded: one from before `mcp-2026-handles` (Mcp-Session-Id
 * sessions, tools discovered once); one since it, from before `offline-planner-local-activity` (the planner as a
 * scheduled activity); one since that, from before `idle-timer-per-idle-period` (the idle timer restarted at each
 * turn's start and end); and one since that. Re-record the last after an intended, versioned change with
 * RECORD_HISTORIES=1, having copied it away under a new name first (docs/changing-workflow-code.md). A fifth, since
 * `tool-approvals`, has turns paused on approvals (one approved, one rejected); RECORD_HISTORIES=1 records it only
 * when it is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { recordConversation, recordConversationWithApprovals, replayConversation } from '../support/replay';

const beforePatch = new URL('./fixtures/conversation-history.json', import.meta.url);
const sincePatch = new URL('./fixtures/conversation-history-mcp-2026.json', import.meta.url);
const sinceLocalPlanner = new URL('./fixtures/conversation-history-local-planner.json', import.meta.url);
const sinceIdleTimer = new URL('./fixtures/conversation-history-idle-timer.json', import.meta.url);
const withApprovals = new URL('./fixtures/conversation-history-approvals.json', import.meta.url);
let stack: OrchestratorStack;

beforeAll(async () => {
  stack = await startOrchestratorStack({
    input: { model: 'offline', context: { strategy: 'summary', maxTurns: 3, maxTokens: 100_000 } },
  });
});
afterAll(() => stack?.close());

const TURNS = [
  'Calculate 15 * 23',
  'What is the stock price of AAPL?',
  'Set the JIRA project to DEMO',
  'Get JIRA metrics',
  "What's the weather in Paris?",
  'Track my IP address',
];
const record = () => recordConversation(stack.conversations, TURNS);

const replay = replayConversation;

type RecordedHistory = {
  events: {
    workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
    markerRecordedEventAttributes?: {
      markerName?: string;
      details?: Record<string, { payloads?: { data?: string }[] }>;
    };
  }[];
};

/** The ids of the patch markers `patched()` recorded. */
function patchIds(history: RecordedHistory): string[] {
  return history.events.flatMap(({ markerRecordedEventAttributes: marker }) => {
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

function load(fixture: URL): RecordedHistory {
  expect(existsSync(fixture), `${fixture.pathname} is missing: run with RECORD_HISTORIES=1`).toBe(true);
  const history = JSON.parse(readFileSync(fixture, 'utf8')) as RecordedHistory;
  expect(history.events.length).toBeGreaterThan(50);
  return history;
}

describe('conversation workflow replay', () => {
  it('replays a conversation recorded before the mcp-2026-handles patch', async () => {
    const history = load(beforePatch);
    expect(patchIds(history)).toEqual([]);
    await replay(history, 'recorded-before-patch');
  });

  it('replays a conversation recorded since the mcp-2026-handles patch (the planner a scheduled activity)', async () => {
    const history = load(sincePatch);
    expect(patchIds(history)).toEqual(['mcp-2026-handles']);
    await replay(history, 'recorded-since-patch');
  });

  it('replays a conversation recorded since the offline-planner-local-activity patch (a timer per turn)', async () => {
    const history = load(sinceLocalPlanner);
    expect(patchIds(history)).toEqual(['offline-planner-local-activity', 'mcp-2026-handles']);
    await replay(history, 'recorded-since-local-planner');
  });

  it('replays a conversation recorded since the idle-timer-per-idle-period patch', async () => {
    if (process.env.RECORD_HISTORIES === '1') writeFileSync(sinceIdleTimer, await record());
    const history = load(sinceIdleTimer);
    expect(patchIds(history)).toEqual([
      'offline-planner-local-activity',
      'mcp-2026-handles',
      'idle-timer-per-idle-period',
    ]);
    await replay(history, 'recorded-since-idle-timer');
  });

  it('replays a conversation with an approved and a rejected approval (since the tool-approvals patch)', async () => {
    // Recorded once, when missing: a change that breaks its replay needs patched(), not a new recording.
    if (process.env.RECORD_HISTORIES === '1' && !existsSync(withApprovals))
      writeFileSync(withApprovals, await recordConversationWithApprovals(stack.conversations));
    const history = load(withApprovals);
    expect(patchIds(history)).toContain('tool-approvals');
    const answers = history.events.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'answerApproval',
    );
    expect(answers).toHaveLength(2);
    await replay(history, 'recorded-with-approvals');
    await replay(JSON.parse(await recordConversationWithApprovals(stack.conversations)), 'fresh-with-approvals');
  });

  it('replays a fresh history too (the code is deterministic today)', async () => {
    await replay(JSON.parse(await record()), 'fresh-conversation');
  });
});
