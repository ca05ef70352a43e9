/**
 * The orchestrator against authenticated MCP servers: it presents its own credential, passes the chat user's
 * identity (never a token) as on-behalf-of, and the servers record both in Temporal. A scan of every workflow
 * history of the run finds none of the configured secrets (the MCP token, the model API key).
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthConfig } from '../../shared/config';
import { ConversationModelProvider } from '../../orchestrator/model/provider';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { startOpenAiChatFake, type OpenAiChatFake } from '../fakes/openai-chat';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { testConfig } from '../support/temporal';

const MCP_TOKEN = 'tok_orchestrator_5b1c0e7f9a3d';
const API_KEY = 'sk-test-identity-9f8e7d6c5b4a';
const auth: McpAuthConfig = {
  staticTokens: [{ subject: 'orchestrator', token: MCP_TOKEN, scopes: ['tools.read', 'tools.write'] }],
};

let fake: OpenAiChatFake;
let stack: OrchestratorStack;
beforeAll(async () => {
  fake = await startOpenAiChatFake();
  const provider = new ConversationModelProvider({
    kind: 'openai-compatible',
    model: 'fake-llm',
    baseUrl: `${fake.url}/v1`,
    apiKey: API_KEY,
    api: 'chat_completions',
  });
  stack = await startOrchestratorStack({
    modelProvider: provider,
    auth,
    mcpToken: MCP_TOKEN,
    input: { model: 'fake-llm', user: 'dana' },
  });
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

describe('orchestrator identity and secrets', () => {
  it('authenticates as itself, acts on behalf of the chat user, and no secret reaches any history', async () => {
    const conversation = await stack.conversations.start();
    fake.plan = { tool: 'stock_price', arguments: { symbol: 'AAPL' } };
    expect(
      (await stack.conversations.send(conversation, 'What is the stock price of AAPL?')).toolCalls[0],
    ).toMatchObject({ ok: true });
    fake.plan = { tool: 'set_jira_project', arguments: { project: 'OPS' } };
    expect((await stack.conversations.send(conversation, 'Use the OPS project')).toolCalls[0]).toMatchObject({
      ok: true,
    });

    const { temporal } = testConfig();
    const finance = new Client({ connection: stack.client.connection, namespace: temporal.namespaces.finance });
    const it = new Client({ connection: stack.client.connection, namespace: temporal.namespaces.it });
    const histories: string[] = [historyText(await conversation.fetchHistory())];

    const financeRuns = [];
    for await (const wf of finance.workflow.list({ query: `TaskQueue = '${stack.finance.taskQueue}'` }))
      financeRuns.push(wf);
    expect(financeRuns).toHaveLength(1);
    expect(financeRuns[0]!.memo).toMatchObject({ caller: 'orchestrator', onBehalfOf: 'dana' });
    histories.push(historyText(await finance.workflow.getHandle(financeRuns[0]!.workflowId).fetchHistory()));

    const { itSessionId } = await stack.conversations.transcript(conversation);
    const session = it.workflow.getHandle(itSessionWorkflowId(itSessionId!, 'orchestrator'));
    expect((await session.describe()).memo?.owner).toBe('orchestrator');
    const sessionHistory = historyText(await session.fetchHistory());
    expect(sessionHistory).toContain('"onBehalfOf":"dana"');
    histories.push(sessionHistory);
    for await (const wf of it.workflow.list({ query: `TaskQueue = '${stack.it.taskQueue}'` })) {
      histories.push(historyText(await it.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
    }

    // The model endpoint did get the key, and the MCP servers the token: the scan below could have found them.
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    for (const text of histories) {
      expect(text).not.toContain(MCP_TOKEN);
      expect(text).not.toContain(API_KEY);
    }
    expect(histories.length).toBeGreaterThanOrEqual(3);
  });
});
