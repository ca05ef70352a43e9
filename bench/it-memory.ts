/**
 * Row 5: an IT server of its own, 1,000 sessions opened (a write without `session_id`) and closed (`close_session`),
 * three rounds; RSS, and the heap after a full garbage collection through the server's inspector, so that what is
 * measured is what the process keeps.
 */
import { readFileSync } from 'node:fs';
import { fetch, WebSocket } from 'undici';
import { GOALS, judge } from './goals';
import type { Harness, Need } from './harness';
import type { Row } from './table';

export const name = 'it-memory';
export const description = 'IT server RSS and heap after 1,000 sessions opened and closed, three rounds';
export const needs: readonly Need[] = ['inspected-it'];

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

/**
 * Another Node process's heap through its inspector (Chrome DevTools Protocol): a full garbage collection, then the
 * heap in use. RSS alone moves with when V8 last collected, not with what the process keeps.
 */
async function heapInspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const pending = new Map<number, (result: Record<string, number>) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, number> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
  };
  let id = 0;
  const send = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method }));
    });
  await send('HeapProfiler.enable');
  return {
    /** MiB in use after a full collection. */
    async collectedHeap(): Promise<number> {
      await send('HeapProfiler.collectGarbage');
      return (await send('Runtime.getHeapUsage')).usedSize! / 2 ** 20;
    },
    close: () => ws.close(),
  };
}

export async function run(h: Harness): Promise<Row[]> {
  const { url, pid, inspectorPort } = h.use('inspected-it');
  const inspector = await heapInspector(inspectorPort);
  const sessions = h.n(1000);
  const openSession = async () => String((await h.callTool(url, 'set_jira_project', { project: 'OPS' })).session_id);
  async function openAndClose(): Promise<{ open: number; rss: number; heap: number }> {
    const handles: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < sessions) {
          next += 1;
          handles.push(await openSession());
        }
      }),
    );
    const open = rssMiB(pid);
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (i < handles.length) await h.callTool(url, 'close_session', { session_id: handles[i++]! });
      }),
    );
    const heap = await inspector.collectedHeap();
    return { open, rss: rssMiB(pid), heap };
  }
  try {
    await h.callTool(url, 'close_session', { session_id: await openSession() });
    const idleHeap = await inspector.collectedHeap();
    const idle = rssMiB(pid);
    const rounds = [await openAndClose(), await openAndClose(), await openAndClose()];
    // Flat: what the process keeps after closing the last round's sessions, against after the first's.
    const growth = rounds[2]!.rss - rounds[0]!.rss;
    return [
      {
        goal: `5 IT server RSS, ${sessions} sessions opened and closed, 3 rounds`,
        baseline: `idle ${idle.toFixed(0)} MiB (heap ${idleHeap.toFixed(1)})`,
        ours:
          rounds
            .map(
              (r, i) =>
                `round ${i + 1}: open ${r.open.toFixed(0)} → closed ${r.rss.toFixed(0)} (heap ${r.heap.toFixed(1)})`,
            )
            .join('; ') + ' MiB',
        ...judge(GOALS['5'], Math.abs(growth) / rounds[0]!.rss),
        note: `round 3 vs round 1 after closing: RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB, heap ${(rounds[2]!.heap - rounds[0]!.heap).toFixed(1)} MiB`,
      },
    ];
  } finally {
    inspector.close();
  }
}
