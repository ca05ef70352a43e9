/**
 * The curl sessions against the IT server in docs/it.md (2025-era) and docs/mcp.md (2026-07-28), run as written (only
 * the port changes).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { startItStack, type ItStack } from '../support/it-stack';

// Async on purpose: a synchronous exec would block the in-process server that curl is talking to.
const run = async (script: string) => (await promisify(execFile)('bash', ['-c', script], { encoding: 'utf8' })).stdout;

const page = (name: string) => readFileSync(`${projectRoot}/docs/${name}`, 'utf8');
const script = /<!-- readme-curl:it -->\n```bash\n([\s\S]*?)```/.exec(page('it.md'))?.[1];
const script2026 = /<!-- readme-curl:it-2026 -->\n```bash\n([\s\S]*?)```/.exec(page('mcp.md'))?.[1];

let stack: ItStack;
let url: string;
beforeAll(async () => {
  stack = await startItStack();
  url = (await stack.startHttp()).url;
});
afterAll(() => stack?.close());

describe('docs curl sessions for the IT server', () => {
  it('2026-07-28: opens a session by handle, writes, reads, and closes it', async () => {
    expect(script2026).toBeTruthy();
    const port = new URL(url).port;
    const out = await run(script2026!.replaceAll('127.0.0.1:8002', `127.0.0.1:${port}`));
    const [metrics, tracked, history, closed] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).result.structuredContent);
    const sessionId = metrics.session_id as string;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(metrics).toMatchObject({ project: 'DEMO', source: expect.stringMatching(/sample data/) });
    expect(tracked).toMatchObject({ session_id: sessionId, history_length: 1 });
    expect(history).toMatchObject({ session_id: sessionId, total_tracked: 1 });
    expect(closed).toEqual({ session_id: sessionId, closed: true });
    const end = await stack.client.workflow.getHandle(itSessionWorkflowId(sessionId)).result();
    expect(end).toMatchObject({ reason: 'deleted', state: { jira_project: 'DEMO', ip_history_total: 1 } });
  });

  it('2025-11-25: initializes a session, writes, reads, and deletes it', async () => {
    expect(script).toBeTruthy();
    const port = new URL(url).port;
    const out = await run(script!.replaceAll('127.0.0.1:8002', `127.0.0.1:${port}`));
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toBe('200'); // DELETE
    const [set, metrics, tracked, history] = lines.slice(0, 4).map((l) => JSON.parse(l).result);
    expect(set.structuredContent.jira_project).toBe('DEMO');
    expect(metrics.structuredContent).toMatchObject({ project: 'DEMO', source: expect.stringMatching(/sample data/) });
    expect(tracked.structuredContent.history_length).toBe(1);
    expect(history.structuredContent.total_tracked).toBe(1);
    const end = await stack.client.workflow.getHandle(itSessionWorkflowId(set.structuredContent.session_id)).result();
    expect(end).toMatchObject({ reason: 'deleted', state: { jira_project: 'DEMO', ip_history_total: 1 } });
  });
});
