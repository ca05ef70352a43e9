/**
 * Determinism guard for the manual loop (manualConversationWorkflow): a recorded conversation (offline model, MCP and
 * local tool calls, a follow-up that reads the loop's history, a context trim with the summary strategy, the end
 * signal) must replay against the current workflow code. Never re-record the fixture to make a change pass: a change
 * of the loop's command sequence needs `patched()` (docs/changing-workflow-code.md). RECORD_HISTORIES=1 records it
 * when it is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { recordConversation, recordConversationWithApprovals, replayConversation } from '../support/replay';

const recorded = new URL('./fixtures/manual-conversation-history.json', import.meta.url);
const withApprovals = new URL('./fixtures/manual-conversation-history-approvals.json', import.meta.url);
let stack: OrchestratorStack;

beforeAll(async () => {
  stack = await startOrchestratorStack({
    input: { model: 'offline', agentLoop: 'manual', context: { strategy: 'summary', maxTurns: 3, maxTokens: 100_000 } },
  });
});
afterAll(() => stack?.close());

const TURNS = [
  'Calculate 15 * 23',
  'What is the stock price of AAPL?',
  'and MSFT?',
  'Set the JIRA project to DEMO',
  'Get JIRA metrics',
  "What's the weather in Paris?",
  'Track my IP address',
];
const record = () => recordConversation(stack.conversations, TURNS);

const replay = replayConversation;

type RecordedHistory = {
  events: {
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
    activityTaskScheduledEventAttributes?: unknown;
    markerRecordedEventAttributes?: unknown;
    workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
  }[];
};

describe('manual loop replay', () => {
  it('replays a recorded manual-loop conversation', async () => {
    if (process.env.RECORD_HISTORIES === '1' && !existsSync(recorded)) writeFileSync(recorded, await record());
    expect(existsSync(recorded), `${recorded.pathname} is missing: run with RECORD_HISTORIES=1`).toBe(true);
    const history = JSON.parse(readFileSync(recorded, 'utf8')) as RecordedHistory;
    expect(history.events[0]!.workflowExecutionStartedEventAttributes!.workflowType!.name).toBe(
      'manualConversationWorkflow',
    );
    // The offline planner's calls are local activities (markers), the tool calls scheduled activities.
    expect(history.events.filter((e) => e.markerRecordedEventAttributes).length).toBeGreaterThan(7);
    expect(history.events.filter((e) => e.activityTaskScheduledEventAttributes).length).toBeGreaterThan(5);
    await replay(history, 'recorded-manual-loop');
  });

  it('replays a manual-loop conversation with an approved and a rejected approval', async () => {
    if (process.env.RECORD_HISTORIES === '1' && !existsSync(withApprovals))
      writeFileSync(withApprovals, await recordConversationWithApprovals(stack.conversations));
    expect(existsSync(withApprovals), `${withApprovals.pathname} is missing: run with RECORD_HISTORIES=1`).toBe(true);
    const history = JSON.parse(readFileSync(withApprovals, 'utf8')) as RecordedHistory;
    expect(history.events[0]!.workflowExecutionStartedEventAttributes!.workflowType!.name).toBe(
      'manualConversationWorkflow',
    );
    const answers = history.events.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'answerApproval',
    );
    expect(answers).toHaveLength(2);
    await replay(history, 'recorded-manual-with-approvals');
    await replay(JSON.parse(await recordConversationWithApprovals(stack.conversations)), 'fresh-manual-with-approvals');
  });

  it('replays a fresh history too (the code is deterministic today)', async () => {
    await replay(JSON.parse(await record()), 'fresh-manual-loop');
  });
});
