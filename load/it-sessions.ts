/**
 * IT: concurrent sessions on the 2026-07-28 path with handles, each a virtual client making a fixed number of mixed,
 * seeded writes and reads. Each session is opened by its first `set_jira_project` without `session_id`. Every client
 * records what it wrote and checks each read against it (a read after a write must see it); at the end every
 * session's final state is compared with the client's record over HTTP (`get_ip_history`, `get_jira_metrics`) and by
 * Query.
 */
import type { LoadHarness } from './harness';
import { Recorder } from './recorder';

export const name = 'it';
export const phase = 'IT sessions';

/** The Jira projects the sessions (and the conversations' questions) write. */
export const projects = ['DEMO', 'OPS', 'WEB', 'MOBILE', 'DATA'];

/** Deterministic choices, so a run can be repeated call for call (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ClientRecord {
  index: number;
  handle?: string;
  project?: string;
  tracks: number;
  writes: number;
  /** A write failed: whether it was applied is unknown, so the final state is not compared (the error counts). */
  uncertain: boolean;
  staleReads: string[];
}

export async function warmUp({ callTool, urls }: LoadHarness): Promise<void> {
  const opened = await callTool(urls.it, 'set_jira_project', { project: 'DEMO' });
  const session_id = String(opened.session_id);
  for (let i = 0; i < 3; i++) {
    await callTool(urls.it, 'track_ip', { session_id });
    await callTool(urls.it, 'get_ip_history', { session_id });
    await callTool(urls.it, 'get_jira_metrics', { session_id });
  }
  await callTool(urls.it, 'close_session', { session_id });
}

/** One virtual client: opens its session, then makes its seeded calls, checking every answer against its record. */
async function runClient({ plan, callTool, urls }: LoadHarness, it: Recorder, record: ClientRecord): Promise<void> {
  const itUrl = urls.it;
  const random = rng(0x5eed + record.index);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const projectArg = (key: string) => (random() < 0.25 ? `${key}-${1 + Math.floor(random() * 999)}` : key); // an issue key selects its project
  // The first call opens the session: set_jira_project without session_id.
  const first = pick(projects);
  try {
    const opened = await it.time('set_jira_project (opens)', () =>
      callTool(itUrl, 'set_jira_project', { project: projectArg(first) }),
    );
    record.handle = String(opened.session_id);
    record.project = first;
    record.writes++;
  } catch {
    return; // counted by the recorder; this client's other calls are not made
  }
  const session_id = record.handle;
  for (let call = 1; call < plan.callsPerSession; call++) {
    const r = random();
    try {
      if (r < 0.25) {
        const key = pick(projects);
        const out = await it.time('set_jira_project', () =>
          callTool(itUrl, 'set_jira_project', { project: projectArg(key), session_id }).catch((err) => {
            record.uncertain = true;
            throw err;
          }),
        );
        record.project = key;
        record.writes++;
        if (out.jira_project !== key)
          record.staleReads.push(`set_jira_project answered ${out.jira_project}, wrote ${key}`);
      } else if (r < 0.45) {
        const out = await it.time('track_ip', () =>
          callTool(itUrl, 'track_ip', { session_id }).catch((err) => {
            record.uncertain = true;
            throw err;
          }),
        );
        record.tracks++;
        record.writes++;
        if (out.history_length !== record.tracks)
          record.staleReads.push(`track_ip answered history_length ${out.history_length}, tracked ${record.tracks}`);
      } else if (r < 0.75) {
        const out = await it.time('get_ip_history', () => callTool(itUrl, 'get_ip_history', { session_id }));
        const entries = (out.entries as unknown[]).length;
        if (out.total_tracked !== record.tracks || entries !== Math.min(record.tracks, 1000)) {
          record.staleReads.push(
            `get_ip_history: total_tracked ${out.total_tracked}, entries ${entries}; tracked ${record.tracks}`,
          );
        }
      } else {
        const out = await it.time('get_jira_metrics', () => callTool(itUrl, 'get_jira_metrics', { session_id }));
        if (out.project !== record.project)
          record.staleReads.push(`get_jira_metrics: project ${out.project}, last written ${record.project}`);
      }
    } catch {
      // counted by the recorder; the client carries on with its next call
    }
  }
}

/** A session's final state against its client's record, over HTTP and by Query: the problems found. */
async function finalStateProblems({ callTool, urls, itState }: LoadHarness, record: ClientRecord): Promise<string[]> {
  const problems: string[] = [];
  try {
    const session_id = record.handle!;
    const [history, metrics, state] = await Promise.all([
      callTool(urls.it, 'get_ip_history', { session_id }),
      callTool(urls.it, 'get_jira_metrics', { session_id }),
      itState(session_id),
    ]);
    if (history.total_tracked !== record.tracks)
      problems.push(`get_ip_history total_tracked ${history.total_tracked} ≠ ${record.tracks} track_ip calls`);
    if (metrics.project !== record.project)
      problems.push(`get_jira_metrics project ${metrics.project} ≠ last written ${record.project}`);
    if (state.jira_project !== record.project)
      problems.push(`query jira_project ${state.jira_project} ≠ ${record.project}`);
    if (state.ip_history_total !== record.tracks)
      problems.push(`query ip_history_total ${state.ip_history_total} ≠ ${record.tracks}`);
    if (state.operations !== record.writes)
      problems.push(`query operations ${state.operations} ≠ ${record.writes} writes (a write applied twice or lost)`);
  } catch (err) {
    problems.push(`could not read it: ${(err as Error).message}`);
  }
  return problems;
}

export async function run(harness: LoadHarness, progress: (line: string) => void) {
  const { plan } = harness;
  progress(`IT, ${plan.sessions} concurrent sessions × ${plan.callsPerSession} calls`);
  const it = new Recorder();
  const records: ClientRecord[] = [];
  const itStart = Date.now();
  await Promise.all(
    Array.from({ length: plan.sessions }, (_, index) => {
      const record: ClientRecord = { index, tracks: 0, writes: 0, uncertain: false, staleReads: [] };
      records.push(record);
      return runClient(harness, it, record);
    }),
  );
  const itSeconds = (Date.now() - itStart) / 1000;

  // Final state of every session against its client's record: over HTTP, and directly by Query.
  progress('IT, checking every session’s final state');
  const finalMismatches: string[] = [];
  let compared = 0;
  let uncertain = 0;
  let next = 0;
  const opened = records.filter((r) => r.handle !== undefined);
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < opened.length) {
        const record = opened[next++]!;
        if (record.uncertain) {
          uncertain++;
          continue;
        }
        const problems = await finalStateProblems(harness, record);
        compared++;
        if (problems.length) finalMismatches.push(`session #${record.index} ${record.handle}: ${problems.join('; ')}`);
      }
    }),
  );
  const staleReads = records.flatMap((r) => r.staleReads.map((s) => `session #${r.index}: ${s}`));
  return {
    rows: [
      it.row(`IT: ${plan.sessions} sessions × ${plan.callsPerSession} calls (2026-07-28, handles)`, itSeconds, {
        checked: `${compared} sessions' final state (HTTP + Query)${uncertain ? `, ${uncertain} skipped after a failed write` : ''}; every read against the writes before it`,
        mismatches: finalMismatches.length + staleReads.length,
      }),
      ...it.kindRows(itSeconds),
    ],
    details: {
      finalMismatches: finalMismatches.slice(0, 20),
      staleReads: staleReads.slice(0, 20),
      staleReadCount: staleReads.length,
      errors: it.firstErrors,
    },
  };
}
