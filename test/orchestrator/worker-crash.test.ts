/**
 * kill -9 of the orchestrator worker in the middle of a turn, in each agent loop: after a restart the turn completes,
 * the reply arrives, memory is intact, and the tool did not run twice (the retried MCP call carried the same
 * idempotency key, so the Finance server attached to the workflow the first attempt started).
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLoop } from '../../orchestrator/contract/conversation';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import { sampleQuotes as sample, withQuote } from '../support/quotes';
import { spawnEntry, waitFor, type Spawned } from '../support/processes';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { testConfig } from '../support/temporal';

/** Slow enough that the worker can be killed while the MCP call is in flight. */
const slowQuotes = withQuote(sample, {
  name: 'slow-sample',
  quote: async (symbol) => {
    await new Promise((r) => setTimeout(r, 3000));
    return sample.quote(symbol);
  },
});

describe.each<[AgentLoop, string]>([
  ['agents-sdk', 'conversationWorkflow'],
  ['manual', 'manualConversationWorkflow'],
])('orchestrator worker crash mid-turn (%s loop)', (agentLoop, workflowType) => {
  let stack: OrchestratorStack;
  const workers: Spawned[] = [];

  async function startWorkerProcess(): Promise<Spawned> {
    const proc = spawnEntry('orchestrator/main.ts', { ...stack.env, MCP_CALL_TIMEOUT_MS: '5000' });
    workers.push(proc);
    await waitFor('orchestrator worker', () => proc.output().includes('orchestrator worker ready'), 120_000, proc);
    return proc;
  }

  beforeAll(async () => {
    stack = await startOrchestratorStack({
      quotes: slowQuotes,
      inProcessWorker: false,
      input: { model: 'offline', agentLoop, toolCalls: { timeoutMs: 5_000, maxAttempts: 3 } },
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await stack?.close();
  });

  it('the turn completes after a restart, memory intact, no tool ran twice', { timeout: 300_000 }, async () => {
    const first = await startWorkerProcess();
    const conversation = await stack.conversations.start();
    expect((await conversation.describe()).type).toBe(workflowType);
    expect((await stack.conversations.send(conversation, 'Calculate 15 * 23')).reply).toMatch(/345/);

    const pending = stack.conversations.send(conversation, 'What is the stock price of AAPL?');
    await waitFor('the quote lookup to start', () => stack.finance.quoteCalls.includes('AAPL'), 60_000);
    await first.kill('SIGKILL');

    const second = await startWorkerProcess();
    const reply = await pending;
    expect(reply.reply).toMatch(/AAPL: [\d,.]+ USD/);
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'stock_price', ok: true })]);

    // The tool ran once: one quote lookup, one finance workflow for this conversation.
    expect(stack.finance.quoteCalls.filter((s) => s === 'AAPL')).toHaveLength(1);
    const { temporal } = testConfig();
    const financeClient = new Client({ connection: stack.client.connection, namespace: temporal.namespaces.finance });
    const runs: string[] = [];
    for await (const wf of financeClient.workflow.list({
      query: `WorkflowType = 'stockPriceWorkflow' AND TaskQueue = '${stack.finance.taskQueue}'`,
    })) {
      runs.push(wf.workflowId);
    }
    expect(runs).toHaveLength(1);

    // The MCP call activity was retried after the crash (same activity, attempt 2+), not scheduled twice.
    const history = await conversation.fetchHistory();
    const scheduled = history.events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callMcpTool',
    );
    expect(scheduled).toHaveLength(1);
    // That one finance workflow is the one the activity's idempotency key names (both attempts sent the same key).
    const { runId } = await conversation.describe();
    const key = `${conversation.workflowId}:${runId.slice(0, 8)}:${scheduled[0]!.activityTaskScheduledEventAttributes!.activityId}`;
    expect(runs[0]).toBe(keyedWorkflowId('stock_price', undefined, key));
    const started = history.events!.find(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        e.activityTaskStartedEventAttributes.scheduledEventId?.toString() === scheduled[0]!.eventId?.toString(),
    );
    expect(started!.activityTaskStartedEventAttributes!.attempt).toBeGreaterThan(1);

    // Memory and transcript survived: the next turn sees both earlier turns.
    await stack.conversations.send(conversation, 'Track my IP address');
    const transcript = await stack.conversations.transcript(conversation);
    expect(transcript.entries.filter((e) => e.kind === 'user').map((e) => (e as { text: string }).text)).toEqual([
      'Calculate 15 * 23',
      'What is the stock price of AAPL?',
      'Track my IP address',
    ]);
    // Nothing but our logs, on stderr, through a graceful stop too (when batched span processors flush): no library
    // printed agent spans, whose tool outputs hold IT session handles.
    await second.kill('SIGTERM');
    expect(second.stdout()).toBe('');
    expect(second.output()).not.toContain('[Exporter]');
  });
});
