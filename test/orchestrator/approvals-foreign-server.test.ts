/**
 * The orchestrator meets `input_required` from an MCP server that is not ours (issue 27, part 4): a plain SDK v2
 * server, standing in for the IT server, whose tool asks for a confirmation its listing never announced. The turn
 * pauses and the chat's user is asked the server's own question, the same way as for our approvals; the answer goes
 * back to the server with its `requestState`, which runs the call once on a yes and not at all on a no.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startPlainServer, textResult, type PlainServer } from '../../bench/plain-server';
import { ScriptedModelProvider, callTool, say, seenTexts } from '../fakes/scripted-model';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

let stack: OrchestratorStack;
let foreign: PlainServer;
const provider = new ScriptedModelProvider();
const model = provider.model;
const rebooted: string[] = [];
const declined: string[] = [];
const STATE = 'foreign-state-v1';

beforeAll(async () => {
  foreign = await startPlainServer('foreign-ops', (server) => {
    server.registerTool(
      'reboot_server',
      { description: 'Reboots a server by host name.', inputSchema: z.object({ host: z.string() }) },
      async ({ host }, ctx) => {
        const answer = ctx.mcpReq.inputResponses?.confirm as
          { action?: string; content?: { confirm?: unknown; note?: unknown } } | undefined;
        if (!answer || ctx.mcpReq.requestState() !== STATE) {
          return {
            resultType: 'input_required',
            inputRequests: {
              confirm: {
                method: 'elicitation/create',
                params: {
                  mode: 'form',
                  message: `Reboot ${host}? Its users are cut off for a minute.`,
                  requestedSchema: {
                    type: 'object',
                    properties: { confirm: { type: 'boolean' }, note: { type: 'string' } },
                    required: ['confirm'],
                  },
                },
              },
            },
            requestState: STATE,
          } as never;
        }
        if (answer.action === 'accept' && answer.content?.confirm === true) {
          rebooted.push(host);
          return textResult(`Rebooted ${host}${answer.content.note ? ` (${String(answer.content.note)})` : ''}`);
        }
        declined.push(host);
        return { ...textResult(`${host} was not rebooted: ${answer.action}`), isError: true };
      },
    );
  });
  stack = await startOrchestratorStack({
    modelProvider: provider,
    input: { model: 'scripted-model' },
    servers: { it: foreign.url },
  });
});
afterAll(async () => {
  await stack?.close();
  await foreign?.close();
});

describe("a server's own question (input_required) in the conversation", () => {
  it('is put to the person; a yes is sent back and the server runs the call once', async () => {
    const conversation = await stack.conversations.start();
    model.push(callTool('reboot_server', { host: 'web1' }), say('Rebooted.'));
    const paused = await stack.conversations.send(conversation, 'Reboot web1');
    expect(paused.pendingApprovals).toEqual([
      expect.objectContaining({
        tool: 'reboot_server',
        arguments: { host: 'web1' },
        why: 'Reboot web1? Its users are cut off for a minute.',
      }),
    ]);
    expect(rebooted).toEqual([]);
    const done = await stack.conversations.answer(conversation, {
      id: paused.pendingApprovals![0]!.id,
      approved: true,
      reason: 'maintenance window',
    });
    expect(done.reply).toBe('Rebooted.');
    expect(done.toolCalls).toEqual([
      expect.objectContaining({ tool: 'reboot_server', ok: true, summary: 'Rebooted web1 (maintenance window)' }),
    ]);
    expect(rebooted).toEqual(['web1']);
  });

  it('a no is sent back too (the server declines it), nothing runs, and the model is told', async () => {
    const conversation = await stack.conversations.start();
    model.push(callTool('reboot_server', { host: 'db1' }), say('Not rebooted.'));
    const paused = await stack.conversations.send(conversation, 'Reboot db1');
    const done = await stack.conversations.answer(conversation, {
      id: paused.pendingApprovals![0]!.id,
      approved: false,
      reason: 'not now',
    });
    expect(done.reply).toBe('Not rebooted.');
    expect(declined).toEqual(['db1']);
    expect(rebooted).not.toContain('db1');
    expect(seenTexts(model.requests.at(-1)!).join('\n')).toContain('the user rejected it');
  });
});
