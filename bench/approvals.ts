/**
 * Row 6d: what an approval adds to a turn, the person's time not counted (the answer goes at once). A turn that files
 * a Jira issue over MCP (offline planner): the turn's Update comes back with the question, the answer's Update
 * resumes it, the IT server asks its own question (`input_required`, answered by the orchestrator with the person's
 * yes) and files the issue. Beside it, interleaved, a turn with one IT write that needs no approval (set_jira_project).
 */
import { Conversations, conversationInput, type ConversationHandle } from '../orchestrator/conversations';
import { Client } from '@temporalio/client';
import { createAgentsPlugin } from '../orchestrator/plugin';
import { judge, REPORTED } from './goals';
import type { Harness, Need } from './harness';
import { interleaved, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'approvals';
export const description =
  'a turn that files a Jira issue with an approval answered at once, beside a turn with an IT write that needs none';
export const needs: readonly Need[] = ['temporal', 'orchestrator', 'finance', 'it'];

export async function run(h: Harness): Promise<Row[]> {
  const { connection } = h.use('temporal');
  const { orchestrator } = h.config;
  const conversations = new Conversations(
    new Client({
      connection,
      namespace: h.config.temporal.namespaces.orchestrator,
      plugins: [createAgentsPlugin(orchestrator)],
    }),
    orchestrator.taskQueue,
    conversationInput(orchestrator, { agentLoop: 'agents-sdk' }),
  );
  const [approving, plain] = await Promise.all([conversations.start(), conversations.start()]);
  const setProject = async (conversation: ConversationHandle) => {
    const reply = await conversations.send(conversation, 'Set the JIRA project to DEMO');
    if (!reply.toolCalls[0]?.ok) throw new Error(`could not set the project: ${reply.reply}`);
  };
  await Promise.all([setProject(approving), setProject(plain)]);

  let n = 0;
  const fileApproved = async () => {
    const paused = await conversations.send(approving, `File a Jira issue: benchmark issue ${++n}`);
    const question = paused.pendingApprovals?.[0];
    if (!question) throw new Error(`the turn did not ask for approval: ${paused.reply}`);
    const done = await conversations.answer(approving, { id: question.id, approved: true });
    if (!done.toolCalls.some((c) => c.tool === 'create_jira_issue' && c.ok))
      throw new Error(`the approved call failed: ${done.reply}`);
  };
  const writeUnasked = async () => {
    const reply = await conversations.send(plain, 'Set the JIRA project to OPS');
    if (!reply.toolCalls[0]?.ok) throw new Error(`turn failed: ${reply.reply}`);
  };
  const samples = await interleaved({ plain: writeUnasked, approved: fileApproved }, h.n(20), 2);
  const base = summarize(samples.plain!);
  const mine = summarize(samples.approved!);
  await Promise.all([conversations.end(approving, 'benchmark done'), conversations.end(plain, 'benchmark done')]);
  // Reported: what an approval costs is the price of asking, with no goal of its own.
  const reported = judge(REPORTED);
  return [
    pair(
      '6d approval cost: turn filing a Jira issue, approved at once (MCP) vs a turn with an IT write needing none',
      'set_jira_project turn',
      'create_jira_issue turn + approval',
      base,
      mine,
      reported.target,
      reported.met,
      `difference ${(mine.p50 - base.p50).toFixed(1)} ms at p50: one more Update round trip (the answer), the IT ` +
        `server's question and its pending-call workflow, and create_jira_issue's own workflow (the write itself is heavier)`,
    ),
  ];
}
