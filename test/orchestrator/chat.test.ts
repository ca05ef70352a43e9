/**
 * The CLI chat as a user runs it: a real subprocess with piped stdin (scriptable), talking to a real orchestrator
 * worker through Temporal Updates. It prints the Web UI link, each reply with the tools it called, the transcript
 * on /history, and exits at the end of input; --conversation resumes the same conversation.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

let stack: OrchestratorStack;
beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline' } });
});
afterAll(() => stack?.close());

function chat(
  lines: string[],
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/chat.ts', ...args], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      ENV_FILE: '/nonexistent',
      ...stack.env,
      TEMPORAL_UI_URL: 'http://127.0.0.1:18233',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run chat', () => {
  it(
    'reads piped input line by line, answers each turn with its tool calls, and exits at the end',
    { timeout: 120_000 },
    async () => {
      const first = await chat(['Calculate 15 * 23', 'What is the stock price of AAPL?', '/history']);
      expect(first.code, first.stderr).toBe(0);
      const out = first.stdout;
      expect(out).toMatch(/offline planner/);
      const id = /Started conversation (conversation-[A-Za-z0-9-]+)/.exec(out)?.[1];
      expect(id).toBeDefined();
      expect(out).toContain(`Temporal Web UI: http://127.0.0.1:18233/namespaces/default/workflows/${id}`);
      expect(out).toMatch(/You: Calculate 15 \* 23\nAgent: .*345/);
      expect(out).toMatch(/↳ calculator \{"expression":"15 \* 23"\} \[local\] → 15 \* 23 = 345/);
      expect(out).toMatch(/↳ stock_price \{"symbol":"AAPL"\} \[finance MCP\] → AAPL: /);
      expect(out).toMatch(/--- transcript ---\n\[1\] You: Calculate 15 \* 23\n\[1\] Agent: .*345/);
      expect(out).toContain(`npm run chat -- --conversation ${id}`);

      // Resume: the same conversation, its memory and transcript intact; /new then starts another one.
      const second = await chat(
        ['/history', 'Track my IP address', '/new', '/quit', 'never sent'],
        ['--conversation', id!],
      );
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`Resumed conversation ${id}`);
      expect(second.stdout).toMatch(/\[2\] You: What is the stock price of AAPL\?/);
      expect(second.stdout).toMatch(/↳ track_ip \{\} \[it MCP\]/);
      expect(second.stdout).toMatch(/Started conversation conversation-/);
      expect(second.stdout).not.toContain('never sent');
      const transcript = await stack.conversations.transcript(stack.client.workflow.getHandle(id!));
      expect(transcript.turns).toBe(3);
    },
  );

  it(
    'AGENT_LOOP=manual: the banner names the loop, the same lines get the same answers, and a resume keeps the loop',
    { timeout: 120_000 },
    async () => {
      const manual = await chat(['Calculate 15 * 23', 'What is the stock price of AAPL?'], [], {
        AGENT_LOOP: 'manual',
      });
      expect(manual.code, manual.stderr).toBe(0);
      expect(manual.stdout).toMatch(/^Loop: manual \(an explicit plan → tool → plan loop/m);
      expect(manual.stdout).toMatch(/↳ calculator \{"expression":"15 \* 23"\} \[local\] → 15 \* 23 = 345/);
      expect(manual.stdout).toMatch(/↳ stock_price \{"symbol":"AAPL"\} \[finance MCP\] → AAPL: /);
      const id = /Started conversation (conversation-[A-Za-z0-9-]+)/.exec(manual.stdout)?.[1];
      expect((await stack.client.workflow.getHandle(id!).describe()).type).toBe('manualConversationWorkflow');

      // Resumed by a chat whose AGENT_LOOP is the default: the conversation goes on in the loop it started with.
      const resumed = await chat(['Track my IP address'], ['--conversation', id!]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/^Loop: agents-sdk/m);
      expect(resumed.stdout).toMatch(/^Loop of this conversation: manual/m);
      expect(resumed.stdout).toMatch(/↳ track_ip \{\} \[it MCP\]/);
    },
  );

  it('refuses to resume a conversation that does not exist', async () => {
    const run = await chat([], ['--conversation', 'conversation-does-not-exist']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no running conversation conversation-does-not-exist/);
  });
});
