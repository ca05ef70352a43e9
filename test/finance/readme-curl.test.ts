/** The curl commands docs/finance.md shows, run as written (only the port changes) against a real server. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';

// Async on purpose: a synchronous exec would block the in-process server that curl is talking to.
const run = async (script: string) => (await promisify(execFile)('bash', ['-c', script], { encoding: 'utf8' })).stdout;

const commands = [
  ...readFileSync(`${projectRoot}/docs/finance.md`, 'utf8').matchAll(
    /<!-- readme-curl:finance -->\n```bash\n([\s\S]*?)```/g,
  ),
].map((m) => m[1]!);

let stack: FinanceStack;
beforeAll(async () => {
  stack = await startFinanceStack();
});
afterAll(() => stack?.close());

describe('docs/finance.md curl commands for the Finance server', () => {
  it('are there to test', () => expect(commands.length).toBe(4));

  it('each answers as the page says', async () => {
    const port = new URL(stack.url).port;
    const outputs = [];
    for (const cmd of commands)
      outputs.push(JSON.parse(await run(cmd.replaceAll('127.0.0.1:8001', `127.0.0.1:${port}`))));
    expect(outputs[0].result.tools.map((t: { name: string }) => t.name).sort()).toEqual([
      'calculate_roi',
      'price_alert',
      'stock_price',
    ]);
    expect(outputs[1].result.structuredContent).toMatchObject({
      symbol: 'AAPL',
      source: expect.stringMatching(/sample data/),
    });
    expect(outputs[2].result.structuredContent.final_value).toBe(16288.95);
    expect(outputs[3]).toMatchObject({ status: 'ok' });
  });
});
