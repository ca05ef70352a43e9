/** The README's curl session against the IT server, run as written (only the port changes). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { itSessionWorkflowId } from '../../mcp-servers/it/sessions';
import { startItStack, type ItStack } from '../support/it-stack';

// Async on purpose: a synchronous exec would block the in-process server that curl is talking to.
const run = async (script: string) => (await promisify(execFile)('bash', ['-c', script], { encoding: 'utf8' })).stdout;

const script = /<!-- readme-curl:it -->\n```bash\n([\s\S]*?)```/.exec(readFileSync(`${projectRoot}/README.md`, 'utf8'))?.[1];

let stack: ItStack;
let url: string;
beforeAll(async () => {
  stack = await startItStack();
  url = (await stack.startHttp()).url;
});
afterAll(() => stack?.close());

describe('README curl session for the IT server', () => {
  it('opens a session, writes, reads, and deletes it', async () => {
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
