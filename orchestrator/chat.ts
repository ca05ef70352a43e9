/**
 * `npm run chat [-- --conversation ID]`: a multi-turn chat with a durable conversation workflow. Each line is one
 * Update; the reply prints with the tools the agent called. Piped stdin is read line by line and the chat exits at
 * its end, so a conversation can be scripted. Replies go to stdout; the spinner and logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import ora from 'ora';
import { loadConfig, type AppConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { runMain } from '../shared/main';
import { connectClient } from '../shared/temporal/connection';
import { Conversations, conversationInput, type ConversationHandle } from './conversations';
import { createAgentsPlugin } from './plugin';
import { type ToolCallRecord, type TranscriptEntry, type TurnReply } from './shared';

const HELP = 'Commands: /new (start a new conversation), /history (show the transcript), /quit (leave; the conversation stays resumable)';
const SLOW_TURN_MS = 15_000;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function webUiLink(config: AppConfig, workflowId: string): string {
  const ns = encodeURIComponent(config.temporal.namespaces.orchestrator);
  return `${config.orchestrator.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`;
}

function formatToolCall(call: ToolCallRecord): string {
  const where = call.server === 'local' ? 'local' : `${call.server} MCP`;
  return `  ${call.ok ? '↳' : '✗'} ${call.tool} ${JSON.stringify(call.arguments)} [${where}] → ${call.summary}`;
}

function printReply(reply: TurnReply): void {
  out(`Agent: ${reply.reply}`);
  for (const call of reply.toolCalls) out(formatToolCall(call));
  for (const notice of reply.notices) out(`  (note: ${notice})`);
  out();
}

function printTranscript(entries: TranscriptEntry[]): void {
  out('--- transcript ---');
  for (const entry of entries) {
    if (entry.kind === 'user') out(`[${entry.turn}] You: ${entry.text}`);
    else if (entry.kind === 'assistant') {
      out(`[${entry.turn}] Agent: ${entry.text}`);
      for (const call of entry.toolCalls) out(formatToolCall(call));
    } else out(`(note: ${entry.text})`);
  }
  out('--- end of transcript ---');
  out();
}

runMain('chat', async () => {
  const { values } = parseArgs({ options: { conversation: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const log = createLogger('chat', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const connection = await connectClient(config.temporal);
  const client = new Client({
    connection,
    namespace: config.temporal.namespaces.orchestrator,
    plugins: [createAgentsPlugin(config.orchestrator)],
  });
  const conversations = new Conversations(client, config.orchestrator.taskQueue, conversationInput(config.orchestrator));
  const interactive = Boolean(process.stdin.isTTY);

  async function open(id?: string): Promise<ConversationHandle> {
    const handle = id
      ? await conversations.resume(id)
      : await conversations.start();
    out(`${id ? 'Resumed' : 'Started'} conversation ${handle.workflowId}`);
    out(`Temporal Web UI: ${webUiLink(config, handle.workflowId)}`);
    out();
    return handle;
  }

  const model = config.orchestrator.llm;
  out(
    model.kind === 'offline'
      ? 'Model: the offline planner (no LLM configured: it picks tools from their schemas and answers from their results; set OPENAI_API_KEY or OPENAI_BASE_URL for a real model)'
      : `Model: ${model.model} via ${model.kind === 'openai' ? 'OpenAI' : model.baseUrl}`,
  );
  out(HELP);

  let conversation: ConversationHandle;
  try {
    conversation = await open(values.conversation);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Error(`${err.message}: start a new one without --conversation`);
    throw err;
  }

  const rl = createInterface({ input: process.stdin, terminal: interactive });
  const prompt = () => {
    if (interactive) process.stdout.write('You: ');
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
      else if (line === '/new') conversation = await open();
      else if (line === '/history') printTranscript((await conversations.transcript(conversation)).entries);
      else if (line.startsWith('/')) out(`Unknown command ${line}. ${HELP}`);
      else {
        const spinner = ora({ text: 'thinking…', stream: process.stderr, isSilent: !interactive }).start();
        const slow = setTimeout(() => {
          spinner.text = 'still working… (is `npm run worker:orchestrator` running?)';
        }, SLOW_TURN_MS);
        try {
          const reply = await conversations.send(conversation, line);
          spinner.stop();
          printReply(reply);
        } catch (err) {
          spinner.stop();
          const cause = (err as { cause?: Error }).cause;
          out(`Error: ${cause?.message ?? (err as Error).message}`);
          log.debug({ err }, 'turn failed');
        } finally {
          clearTimeout(slow);
        }
      }
      prompt();
    }
  } finally {
    rl.close();
    out(`Conversation ${conversation.workflowId} stays open; resume it with: npm run chat -- --conversation ${conversation.workflowId}`);
    await connection.close();
  }
});
