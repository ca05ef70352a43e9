/** The chat from its entry point with piped input, as a script would run it. */
import { spawn } from 'node:child_process';
import { projectRoot } from '../../shared/config';

/** Runs the chat with `env` only (no .env file), sends `lines` and returns everything it printed. */
export async function runChat(env: Record<string, string>, lines: string[], args: string[] = []): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/chat.ts', ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`chat exited with ${code}:\n${out}`);
  return out;
}
