/**
 * `npm run chat [-- --conversation ID]`: a multi-turn chat with a durable conversation workflow. Each line is one
 * Update; the reply prints with the tools the agent called. Piped stdin is read line by line and the chat exits at
 * its end, so a conversation can be scripted. Replies go to stdout; the spinner and logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import ora from 'ora';
import { describeModel, orchestratorSection, temporalSection, temporalUiSection } from '../shared/config';
import { loadProcessConfig, runMain } from '../shared/main';
import { startTelemetry } from '../shared/telemetry';
import { assertNamespaceExists, connectClient } from '../shared/temporal/connection';
import { findTemporalWebUi, workflowWebUiLink } from '../shared/temporal/web-ui';
import { Conversations, conversationInput, type ConversationHandle } from './conversations';
import { createAgentsPlugin } from './plugin';
import { describeQuestion, parseApprovalAnswer } from './approvals';
import {
  type AgentLoop,
  type ApprovalQuestion,
  type BackgroundTask,
  type ToolCallRecord,
  type TranscriptEntry,
  type TurnReply,
} from './contract/conversation';

const HELP =
  'Commands: /new (start a new conversation), /history (show the transcript), /tasks (background tasks), /quit (leave; the conversation stays resumable). A tool call that needs approval asks: y approves, anything else rejects (words after it are the reason).';
const SLOW_TURN_MS = 15_000;
/** How the banner names each agent loop (AGENT_LOOP). */
const LOOPS: Record<AgentLoop, string> = {
  'agents-sdk': 'agents-sdk (the OpenAI Agents SDK runs each turn; AGENT_LOOP=manual for the explicit loop)',
  manual: 'manual (an explicit plan → tool → plan loop in the workflow, orchestrator/manual/)',
};

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function formatToolCall(call: ToolCallRecord, transport: 'mcp' | 'nexus'): string {
  const where = call.server === 'local' ? 'local' : `${call.server} ${transport === 'nexus' ? 'via Nexus' : 'MCP'}`;
  return `  ${call.ok ? '↳' : '✗'} ${call.tool} ${JSON.stringify(call.arguments)} [${where}] → ${call.summary}`;
}

function printReply(reply: TurnReply, transport: 'mcp' | 'nexus'): void {
  out(`Agent: ${reply.reply}`);
  for (const call of reply.toolCalls) out(formatToolCall(call, transport));
  for (const notice of reply.notices) out(`  (note: ${notice})`);
  out();
}

/** The conversation's background tasks (long-running tools), newest last. */
function printTasks(tasks: BackgroundTask[]): void {
  if (tasks.length === 0) return out('No background tasks in this conversation.');
  for (const t of tasks) {
    out(
      `  ${t.status === 'working' ? '…' : t.status === 'completed' ? '✓' : '✗'} ${t.tool} ${JSON.stringify(t.arguments)} task ${t.id}: ${t.status} (started ${t.startedAt}${t.endedAt ? `, ended ${t.endedAt}` : ''})`,
    );
    if (t.result) out(`    ${t.result.split('\n')[0]}`);
  }
}

function formatDecision(entry: Extract<TranscriptEntry, { kind: 'approval' }>): string {
  const who = entry.by ? ` by ${entry.by}` : '';
  const why = entry.reason ? `: ${entry.reason}` : '';
  return `[${entry.turn}] Approval: ${entry.tool} ${JSON.stringify(entry.arguments)} ${entry.decision}${who} at ${entry.at} (asked ${entry.askedAt})${why}`;
}

function printTranscript(entries: TranscriptEntry[], transport: 'mcp' | 'nexus'): void {
  out('--- transcript ---');
  for (const entry of entries) {
    if (entry.kind === 'user') out(`[${entry.turn}] You: ${entry.text}`);
    else if (entry.kind === 'assistant') {
      out(`[${entry.turn}] Agent: ${entry.text}`);
      for (const call of entry.toolCalls) out(formatToolCall(call, transport));
    } else if (entry.kind === 'approval') out(formatDecision(entry));
    else out(`(note: ${entry.text})`);
  }
  out('--- end of transcript ---');
  out();
}

runMain('chat', async () => {
  const { values } = parseArgs({ options: { conversation: { type: 'string' } }, strict: true });
  const { config, log } = loadProcessConfig(
    'chat',
    { temporal: temporalSection, orchestrator: orchestratorSection, temporalUi: temporalUiSection },
    { logLevel: (level) => (level === 'info' ? 'warn' : level) },
  );
  // Each turn's Update span is the root of that turn's trace (OTEL_* variables; off when unset).
  const telemetry = await startTelemetry('chat');
  const connection = await connectClient(config.temporal);
  await assertNamespaceExists(connection, config.temporal, config.temporal.namespaces.orchestrator).catch(
    async (err: unknown) => {
      await connection.close();
      throw err;
    },
  );
  // No link for a server whose Web UI is unknown (not the dev server's, and no TEMPORAL_UI_URL).
  const webUi = await findTemporalWebUi(
    connection,
    config.temporal,
    config.temporalUi,
    config.temporal.namespaces.orchestrator,
  );
  const client = new Client({
    connection,
    namespace: config.temporal.namespaces.orchestrator,
    plugins: [createAgentsPlugin(config.orchestrator)],
    interceptors: {
      workflow: telemetry.temporalClientInterceptors({ namespace: config.temporal.namespaces.orchestrator, webUi }),
    },
  });
  const conversations = new Conversations(
    client,
    config.orchestrator.taskQueue,
    conversationInput(config.orchestrator),
  );
  const interactive = Boolean(process.stdin.isTTY);

  async function open(id?: string): Promise<ConversationHandle> {
    const handle = id ? await conversations.resume(id) : await conversations.start();
    out(`${id ? 'Resumed' : 'Started'} conversation ${handle.workflowId}`);
    // A resumed conversation keeps the loop it started with, whatever AGENT_LOOP says now.
    const loop = id ? await conversations.agentLoopOf(handle) : conversations.agentLoop;
    if (loop && loop !== conversations.agentLoop) out(`Loop of this conversation: ${LOOPS[loop]}`);
    if (webUi)
      out(`Temporal Web UI: ${workflowWebUiLink(webUi, config.temporal.namespaces.orchestrator, handle.workflowId)}`);
    out();
    return handle;
  }

  const model = config.orchestrator.llm;
  out(
    model.kind === 'offline'
      ? 'Model: the offline planner (no LLM configured: it picks tools from their schemas and answers from their results; set LLM_MODEL and its key, e.g. OPENAI_API_KEY or ANTHROPIC_API_KEY, for a real model)'
      : `Model: ${describeModel(model)}`,
  );
  out(`Loop: ${LOOPS[conversations.agentLoop]}`);
  const { toolTransport, nexusEndpoints, mcpServers } = config.orchestrator;
  out(
    toolTransport === 'nexus'
      ? `Tools: as Nexus operations on ${nexusEndpoints.finance} and ${nexusEndpoints.it} (TOOL_TRANSPORT=nexus)`
      : `Tools: over MCP at ${mcpServers.finance} and ${mcpServers.it} (TOOL_TRANSPORT=mcp)`,
  );
  out(HELP);

  /** Questions the conversation waits on: the next line answers the first. */
  let asking: ApprovalQuestion[] = [];
  const ask = () => {
    const q = asking[0];
    if (!q) return;
    out(`  (${q.why}; expires ${q.expiresAt})`);
    process.stdout.write(`${describeQuestion(q)} [y/N] `);
    if (!interactive) out();
  };

  let conversation: ConversationHandle;
  try {
    conversation = await open(values.conversation);
    // A resumed conversation may be waiting for an approval asked in another chat.
    asking = (await conversations.transcript(conversation)).pendingApprovals ?? [];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new Error(`${err.message}: start a new one without --conversation`, { cause: err });
    throw err;
  }

  const rl = createInterface({ input: process.stdin, terminal: interactive });
  const prompt = () => {
    if (asking.length > 0) ask();
    else if (interactive) process.stdout.write('You: ');
  };
  prompt();
  rl.on('SIGINT', () => rl.close());

  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (!interactive && line) out(`You: ${line}`);
      if (!line) {
        prompt();
        continue;
      }
      if (line === '/quit' || line === '/exit') break;
      if (line === '/help') out(HELP);
      else if (line === '/new') {
        conversation = await open();
        asking = [];
      } else if (line === '/history')
        printTranscript((await conversations.transcript(conversation)).entries, toolTransport);
      else if (line === '/tasks') printTasks((await conversations.transcript(conversation)).tasks);
      else if (line.startsWith('/')) out(`Unknown command ${line}. ${HELP}`);
      else {
        const question = asking[0];
        const spinner = ora({ text: 'thinking…', stream: process.stderr, isSilent: !interactive }).start();
        const slow = setTimeout(() => {
          spinner.text = 'still working… (is `npm run worker:orchestrator` running?)';
        }, SLOW_TURN_MS);
        try {
          const reply = question
            ? await conversations.answer(conversation, { id: question.id, ...parseApprovalAnswer(line) })
            : await conversations.send(conversation, line);
          spinner.stop();
          asking = reply.pendingApprovals ?? [];
          if (asking.length === 0) printReply(reply, toolTransport);
        } catch (err) {
          spinner.stop();
          const cause = (err as { cause?: Error }).cause;
          out(`Error: ${cause?.message ?? (err as Error).message}`);
          log.debug({ err }, 'turn failed');
          // An answer that came too late (expired, or answered elsewhere): ask what is pending now, if anything.
          if (question) asking = (await conversations.transcript(conversation)).pendingApprovals ?? [];
        } finally {
          clearTimeout(slow);
        }
      }
      prompt();
    }
  } finally {
    rl.close();
    out(
      `Conversation ${conversation.workflowId} stays open; resume it with: npm run chat -- --conversation ${conversation.workflowId}`,
    );
    await connection.close();
    await telemetry.shutdown();
  }
});
