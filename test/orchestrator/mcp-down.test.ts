/**
 * A tool server that is down: the turn still ends, promptly after bounded retries, with a reply that says what is
 * wrong; never a hung turn. Down from the start (discovery fails) and gone mid-conversation (the call fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/processes';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

describe('a tool server that is down', () => {
  let stack: OrchestratorStack;
  beforeAll(async () => {
    stack = await startOrchestratorStack({
      input: { model: 'offline', toolCalls: { timeoutMs: 5_000, maxAttempts: 3 } },
      servers: { finance: `http://127.0.0.1:${await freePort()}/mcp` },
    });
  });
  afterAll(() => stack?.close());

  it('down from the start: the reply says the finance server is unavailable; other tools still work', async () => {
    const conversation = await stack.conversations.start();
    const reply = await stack.conversations.send(conversation, 'What is the stock price of AAPL?');
    expect(reply.toolCalls).toEqual([]);
    expect(reply.reply).toMatch(/finance/);
    expect(reply.reply).toMatch(/unreachable|unavailable/i);
    const transcript = await stack.conversations.transcript(conversation);
    expect(transcript.unavailableServers.finance).toMatch(/ECONNREFUSED/);
    expect(transcript.tools).toContain('track_ip');
    expect((await stack.conversations.send(conversation, 'Track my IP address')).toolCalls[0]).toMatchObject({
      tool: 'track_ip',
      ok: true,
    });
  });
});

describe('a tool server that goes away mid-conversation', () => {
  let stack: OrchestratorStack;
  beforeAll(async () => {
    stack = await startOrchestratorStack({
      input: { model: 'offline', toolCalls: { timeoutMs: 5_000, maxAttempts: 3 } },
    });
  });
  afterAll(() => stack?.close());

  it('the call fails after bounded retries and the reply explains it', async () => {
    const conversation = await stack.conversations.start();
    expect(
      (await stack.conversations.send(conversation, 'What is the stock price of AAPL?')).toolCalls[0],
    ).toMatchObject({ ok: true });
    await stack.finance.http.close();
    const reply = await stack.conversations.send(conversation, 'What is the stock price of MSFT?');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'stock_price', ok: false })]);
    expect(reply.toolCalls[0]!.summary).toMatch(/finance MCP server is unreachable.*gave up after 3 attempts/);
    expect(reply.reply).toMatch(/stock_price/);
    expect(reply.reply).toMatch(/unreachable/);
    // The failed attempts are in the history, bounded: exactly three.
    const history = await conversation.fetchHistory();
    const failed = history.events!.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toHaveLength(1);
    const retryState = failed[0]!.activityTaskFailedEventAttributes!.retryState;
    expect(retryState).toBe(4 /* RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED */);
  });
});
