/** The curl commands docs/resources-and-prompts.md shows, run as written (only the ports change) against real servers. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';

// Async on purpose: a synchronous exec would block the in-process servers that curl is talking to.
const run = async (script: string) => (await promisify(execFile)('bash', ['-c', script], { encoding: 'utf8' })).stdout;

const page = readFileSync(`${projectRoot}/docs/resources-and-prompts.md`, 'utf8');
const block = (name: string) => {
  const found = [...page.matchAll(new RegExp(`<!-- readme-curl:${name} -->\\n\`\`\`bash\\n([\\s\\S]*?)\`\`\``, 'g'))];
  expect(found).toHaveLength(1);
  return found[0]![1]!;
};
const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

let finance: FinanceStack;
let it2: ItStack;
let itHttp: RunningHttpServer;
beforeAll(async () => {
  finance = await startFinanceStack();
  it2 = await startItStack();
  itHttp = await it2.startHttp();
});
afterAll(async () => {
  await it2?.close();
  await finance?.close();
});

const ports = (script: string) =>
  script
    .replaceAll('127.0.0.1:8001', `127.0.0.1:${new URL(finance.url).port}`)
    .replaceAll('127.0.0.1:8002', `127.0.0.1:${new URL(itHttp.url).port}`);

describe('docs/resources-and-prompts.md curl commands', () => {
  it('finance, 2026-07-28: lists, reads, completes and gets the prompt', async () => {
    const [list, templates, symbols, quote, completion, prompts, prompt] = lines(
      await run(ports(block('resources-finance'))),
    );
    expect(list.result).toMatchObject({ resources: [{ uri: 'finance://symbols' }], cacheScope: 'public' });
    expect(templates.result.resourceTemplates[0].uriTemplate).toBe('finance://quotes/{symbol}');
    expect(JSON.parse(symbols.result.contents[0].text).symbols).toContain('AAPL');
    expect(JSON.parse(quote.result.contents[0].text)).toMatchObject({
      symbol: 'AAPL',
      source: expect.stringMatching(/sample data/),
    });
    expect(completion.result.completion.values).toEqual(['GOOGL', 'GOOG']);
    expect(prompts.result.prompts[0].name).toBe('review_investment');
    expect(prompt.result.messages[0].content.text).toContain('10000 in AAPL for 5 years');
  });

  it('IT, 2026-07-28: a session, a project and the incident prompt', async () => {
    const [session, project, prompt] = lines(
      await run(ports(`${block('resources-finance').split('\nrpc ')[0]}\n${block('resources-it')}`)),
    );
    const state = JSON.parse(session.result.contents[0].text);
    expect(state).toMatchObject({ jira_project: 'DEMO', ip_history: [] });
    expect(JSON.parse(project.result.contents[0].text)).toMatchObject({ project: 'DEMO' });
    expect(prompt.result.messages[0].content.text).toContain(`it://sessions/${state.session_id}`);
  });

  it('finance, 2025-era: reads a quote', async () => {
    const [read] = lines(await run(ports(block('resources-2025'))));
    expect(JSON.parse(read.result.contents[0].text)).toMatchObject({ symbol: 'AAPL' });
  });
});
