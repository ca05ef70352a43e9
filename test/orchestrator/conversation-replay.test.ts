/**
 * Determinism guard: a recorded conversation (offline planner, MCP and local tool calls, a context trim, the end
 * signal) must replay against the current workflow code. Re-record after an intended, versioned change with
 * RECORD_HISTORIES=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { prebuiltBundle, testConfig } from '../support/temporal';

const fixture = new URL('./fixtures/conversation-history.json', import.meta.url);
let stack: OrchestratorStack;

beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline', context: { strategy: 'summary', maxTurns: 3, maxTokens: 100_000 } } });
});
afterAll(() => stack?.close());

async function recordConversation(): Promise<string> {
  const conversation = await stack.conversations.start();
  for (const text of [
    'Calculate 15 * 23',
    'What is the stock price of AAPL?',
    'Set the JIRA project to DEMO',
    'Get JIRA metrics',
    "What's the weather in Paris?",
    'Track my IP address',
  ]) {
    await stack.conversations.send(conversation, text);
  }
  await stack.conversations.end(conversation, 'recorded');
  await conversation.result();
  return historyToJSON(await conversation.fetchHistory());
}

function replay(history: unknown, id: string) {
  const plugin = createAgentsPlugin(testConfig().orchestrator);
  return Worker.runReplayHistory({ workflowBundle: { codePath: prebuiltBundle('orchestrator') }, plugins: [plugin] }, history, id);
}

describe('conversation workflow replay', () => {
  it('replays the recorded history against the current code', async () => {
    if (process.env.RECORD_HISTORIES === '1') writeFileSync(fixture, await recordConversation());
    expect(existsSync(fixture), 'fixtures/conversation-history.json is missing: run with RECORD_HISTORIES=1').toBe(true);
    const history = JSON.parse(readFileSync(fixture, 'utf8'));
    expect(history.events.length).toBeGreaterThan(50);
    await replay(history, 'recorded-conversation');
  });

  it('replays a fresh history too (the code is deterministic today)', async () => {
    await replay(JSON.parse(await recordConversation()), 'fresh-conversation');
  });
});
