/**
 * Conversations: concurrent conversations (offline planner) of sample questions that use tools, each reply checked for
 * its tool call, and each conversation's IT session compared with what its turns wrote. They go through
 * `Conversations` with a client carrying the agents plugin, as the chat does.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Conversations, conversationInput, type ConversationHandle } from '../orchestrator/conversations';
import { createAgentsPlugin } from '../orchestrator/plugin';
import type { TurnReply } from '../orchestrator/contract/conversation';
import { symbols } from './finance';
import { withTimeout, type LoadHarness } from './harness';
import { projects } from './it-sessions';
import { Recorder } from './recorder';

export const name = 'conversations';
export const phase = 'conversations';

/** Every turn gives up after this long. */
export const TURN_TIMEOUT_MS = 120_000;

interface Step {
  text: string;
  /** The tool the turn must call. */
  tool: string;
  /** The Jira project it writes to the IT session. */
  project?: string;
  /** Whether it adds an IP to the IT session's history. */
  tracks?: boolean;
}

/** A script of sample questions that use tools: what each must call, and what it writes to the IT session. */
function script(c: number, turns: number): Step[] {
  const first = projects[c % projects.length]!;
  // A bare key the planner's vocabulary knows as a word (DATA) is not taken for a project key: bare keys from the others.
  const second = ['DEMO', 'OPS', 'WEB', 'MOBILE'][(c + 2) % 4]!;
  const symbol = symbols[c % symbols.length]!;
  const questions: Step[] = [
    { text: `Set the JIRA project to ${first}-123`, tool: 'set_jira_project', project: first },
    { text: `What is the stock price of ${symbol}?`, tool: 'stock_price' },
    { text: 'Track my IP address', tool: 'track_ip', tracks: true },
    { text: 'Calculate the ROI for $10000 invested at 5% for 10 years', tool: 'calculate_roi' },
    { text: 'Get JIRA metrics', tool: 'get_jira_metrics' },
    { text: 'Calculate 15 * 23', tool: 'calculator' },
    { text: 'Show me the IP history', tool: 'get_ip_history' },
    { text: `Set the JIRA project to ${second}`, tool: 'set_jira_project', project: second },
    { text: 'What is my IP address?', tool: 'get_ip' },
    { text: 'Track my IP address', tool: 'track_ip', tracks: true },
    { text: "What's the weather in New York?", tool: 'weather' },
    { text: 'Get JIRA metrics', tool: 'get_jira_metrics' },
  ];
  return Array.from({ length: turns }, (_, t) => questions[t % questions.length]!);
}

export async function run({ plan, config, connection, itState }: LoadHarness, progress: (line: string) => void) {
  progress(`conversations, ${plan.conversations} concurrent × ${plan.turns} turns (offline planner)`);
  const { orchestrator } = config;
  const conversations = new Conversations(
    new Client({
      connection,
      namespace: config.temporal.namespaces.orchestrator,
      plugins: [createAgentsPlugin(orchestrator)],
    }),
    orchestrator.taskQueue,
    conversationInput(orchestrator, { model: 'offline' }),
  );
  const turns = new Recorder();
  let turnsSent = 0;
  const conversationMismatches: string[] = [];
  const conversationsStart = Date.now();
  await Promise.all(
    Array.from({ length: plan.conversations }, async (_, c) => {
      let conversation: ConversationHandle;
      try {
        conversation = await conversations.start(`load-${c}-${randomUUID()}`);
      } catch (err) {
        turns.fail('start', err);
        return;
      }
      const expected = { project: undefined as string | undefined, tracks: 0, writes: 0 };
      let writeFailed = false;
      for (const step of script(c, plan.turns)) {
        let reply: TurnReply;
        turnsSent++;
        try {
          reply = await turns.time('turn', () =>
            withTimeout(
              conversations.send(conversation, step.text),
              TURN_TIMEOUT_MS,
              `no reply within ${TURN_TIMEOUT_MS / 1000} s`,
            ),
          );
        } catch {
          if (step.project || step.tracks) writeFailed = true;
          continue;
        }
        const calls = reply.toolCalls;
        if (calls.length !== 1 || calls[0]!.tool !== step.tool || !calls[0]!.ok) {
          turns.fail(
            'turn',
            new Error(
              `"${step.text}" → ${JSON.stringify(calls.map((t) => ({ tool: t.tool, ok: t.ok, summary: t.summary })))}: ${reply.reply.slice(0, 200)}`,
            ),
          );
          if (step.project || step.tracks) writeFailed = true;
          continue;
        }
        if (step.project) expected.project = step.project;
        if (step.tracks) expected.tracks++;
        if (step.project || step.tracks) expected.writes++;
      }
      // The conversation's IT session against what its turns wrote.
      try {
        const transcript = await conversations.transcript(conversation);
        if (transcript.turns !== plan.turns)
          conversationMismatches.push(`conversation #${c}: ${transcript.turns} turns recorded, ${plan.turns} sent`);
        if (!writeFailed && expected.writes > 0) {
          if (!transcript.itSessionId)
            conversationMismatches.push(`conversation #${c}: no IT session after ${expected.writes} IT writes`);
          else {
            const state = await itState(transcript.itSessionId);
            if (
              state.jira_project !== expected.project ||
              state.ip_history_total !== expected.tracks ||
              state.operations !== expected.writes
            ) {
              conversationMismatches.push(
                `conversation #${c}: IT session has project ${state.jira_project}, ${state.ip_history_total} IPs, ${state.operations} writes; ` +
                  `its turns wrote ${expected.project}, ${expected.tracks}, ${expected.writes}`,
              );
            }
          }
        }
        await conversations.end(conversation, 'load run done');
      } catch (err) {
        conversationMismatches.push(`conversation #${c}: could not check it: ${(err as Error).message}`);
      }
    }),
  );
  const conversationSeconds = (Date.now() - conversationsStart) / 1000;
  return {
    rows: [
      {
        // A turn that answered with the wrong tool is both a sample and an error: count the turns sent.
        ...turns.row(
          `Conversations: ${plan.conversations} × ${plan.turns} turns (offline planner, tools)`,
          conversationSeconds,
          {
            checked: "each turn's tool call; each conversation's IT session (project, IPs, writes) and turn count",
            mismatches: conversationMismatches.length,
          },
        ),
        calls: turnsSent,
      },
    ],
    details: { mismatches: conversationMismatches.slice(0, 20), errors: turns.firstErrors },
  };
}
