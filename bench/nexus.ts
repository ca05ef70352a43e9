/**
 * Row 7: a Finance tool call as a Nexus operation, side by side with the MCP `tools/call` of the same tool and a bare
 * `client.workflow.execute` of its workflow, interleaved in one run. The Nexus call is what the orchestrator's Nexus
 * transport does: a workflow in the orchestrator's namespace (bench/nexus-caller/workflows.ts, on a worker in this
 * process) runs `calculate_roi` through the finance endpoint, whose handler on the separate finance worker starts the
 * same workflow the MCP server starts; the caller's history says where the time goes. From a workflow, the two
 * transports compare as the orchestrator uses them: the Nexus operation against an activity making the tools/call (7c).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { connectWorker } from '../shared/temporal/connection';
import { ensureNexusEndpoints } from '../shared/temporal/nexus-endpoints';
import { bundleWorkflows, type WorkflowBundleSpec } from '../shared/temporal/workflow-bundle';
import { roiCalls } from './finance';
import { judge, REPORTED } from './goals';
import { ROI, type Harness, type Need } from './harness';
import type { McpCallerActivities, RoiOverNexusInput } from './nexus-caller/workflows';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'nexus';
export const description =
  'Finance calculate_roi as a Nexus operation from a caller workflow vs MCP tools/call vs a bare execute';
export const needs: readonly Need[] = ['temporal', 'finance'];

const callerBundle: WorkflowBundleSpec = {
  name: 'bench-nexus-caller',
  workflowsPath: fileURLToPath(new URL('./nexus-caller/workflows.ts', import.meta.url)),
};
const CALLER_TASK_QUEUE = 'bench-nexus-caller';
/** Caller histories read for the breakdown (the last ones of the run). */
const HISTORIES = 30;

type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;
const ts = (t: Timestamp) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

interface NexusSpans {
  /** Scheduled → Started: the caller's server reaches the handler, which starts the finance workflow and answers. */
  start: number;
  /** Started → Completed: the finance workflow runs, and its completion comes back to the caller. */
  run: number;
  /** The caller's workflow tasks, from started to completed. */
  callerTasks: number;
  /** How many workflow tasks the caller took. */
  taskCount: number;
}

/** From one caller history: how long each part of the operation took, by the server's clock. */
function nexusSpans(
  events: { eventType?: unknown; eventTime?: Timestamp; [k: string]: unknown }[],
): NexusSpans | undefined {
  const at = (attr: string) => events.find((e) => e[attr]);
  const scheduled = at('nexusOperationScheduledEventAttributes');
  const started = at('nexusOperationStartedEventAttributes');
  const completed = at('nexusOperationCompletedEventAttributes');
  if (!scheduled || !started || !completed) return undefined;
  let callerTasks = 0;
  let taskCount = 0;
  for (const [i, e] of events.entries()) {
    const prior = events[i - 1];
    if (e.workflowTaskCompletedEventAttributes && prior?.workflowTaskStartedEventAttributes) {
      callerTasks += ts(e.eventTime) - ts(prior.eventTime);
      taskCount += 1;
    }
  }
  return {
    start: ts(started.eventTime) - ts(scheduled.eventTime),
    run: ts(completed.eventTime) - ts(started.eventTime),
    callerTasks,
    taskCount,
  };
}

export async function run(h: Harness): Promise<Row[]> {
  const { connection } = h.use('temporal');
  const { temporal, finance, orchestrator } = h.config;
  // The endpoint the orchestrator would use, routed to the harness's finance worker (it serves the finance service).
  const endpoint = orchestrator.nexusEndpoints.finance;
  await ensureNexusEndpoints(connection, [
    { name: endpoint, namespace: temporal.namespaces.finance, taskQueue: finance.taskQueue },
  ]);

  h.say('bench:   bundling the caller workflows');
  const financeUrl = h.use('finance').url;
  const activities: McpCallerActivities = { roiOverMcp: (args) => h.callTool(financeUrl, 'calculate_roi', args) };
  const workerConnection = await connectWorker(temporal);
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: temporal.namespaces.orchestrator,
    taskQueue: CALLER_TASK_QUEUE,
    activities,
    workflowBundle: { code: await bundleWorkflows(callerBundle) },
  });
  const running = worker.run();
  try {
    const caller = new Client({ connection, namespace: temporal.namespaces.orchestrator });
    const roi = roiCalls(h);
    const nexusIds: string[] = [];
    const input: RoiOverNexusInput = { endpoint, roi: ROI };
    const nexus = async () => {
      const workflowId = `bench-nexus-${randomUUID()}`;
      nexusIds.push(workflowId);
      const result = (await caller.workflow.execute('roiOverNexus', {
        taskQueue: CALLER_TASK_QUEUE,
        workflowId,
        args: [input],
      })) as { final_value?: unknown };
      // A wrong answer measured fast is no measurement.
      if (typeof result?.final_value !== 'number') throw new Error(`roiOverNexus returned ${JSON.stringify(result)}`);
    };
    const empty = () =>
      caller.workflow.execute('emptyCaller', {
        taskQueue: CALLER_TASK_QUEUE,
        workflowId: `bench-empty-${randomUUID()}`,
      });
    const mcpActivity = () =>
      caller.workflow.execute('roiOverMcpActivity', {
        taskQueue: CALLER_TASK_QUEUE,
        workflowId: `bench-mcp-activity-${randomUUID()}`,
        args: [ROI],
      });

    const s = await interleaved({ bare: roi.bare, mcp: roi.mcp, nexus, empty, mcpActivity }, h.n(400), h.n(40));
    const bare = summarize(s.bare!);
    const mcp = summarize(s.mcp!);
    const nx = summarize(s.nexus!);
    const callerAlone = summarize(s.empty!);
    const viaActivity = summarize(s.mcpActivity!);

    const spans = (
      await Promise.all(
        nexusIds
          .slice(-HISTORIES)
          .map(async (id) => nexusSpans((await caller.workflow.getHandle(id).fetchHistory()).events as never)),
      )
    ).filter((x): x is NexusSpans => x !== undefined);
    const p50 = (pick: (x: NexusSpans) => number) => ms(summarize(spans.map(pick)).p50);
    const breakdown = spans.length
      ? `p50s from ${spans.length} caller histories: scheduled → started ${p50((x) => x.start)} (handler starts the finance workflow), ` +
        `started → completed ${p50((x) => x.run)} (the finance workflow and its completion callback), ` +
        `caller workflow tasks ${p50((x) => x.callerTasks)} (${summarize(spans.map((x) => x.taskCount)).p50} tasks)`
      : 'no caller history had the Nexus operation events';

    const reported = judge(REPORTED);
    return [
      pair(
        '7 Finance calculate_roi: Nexus operation from a caller workflow vs workflow.execute',
        'execute',
        'Nexus',
        bare,
        nx,
        reported.target,
        reported.met,
        `Nexus adds ${ms(nx.p50 - bare.p50)} at p50`,
      ),
      pair(
        '7 Finance calculate_roi: Nexus operation vs MCP tools/call (separate worker)',
        'tools/call',
        'Nexus',
        mcp,
        nx,
        reported.target,
        reported.met,
        breakdown,
      ),
      pair(
        '7b the caller workflow alone (empty, orchestrator namespace) vs workflow.execute of calculate_roi',
        'execute',
        'empty caller',
        bare,
        callerAlone,
        reported.target,
        reported.met,
        `Nexus − empty caller − execute: ${ms(nx.p50 - callerAlone.p50 - bare.p50)} at p50`,
      ),
      pair(
        "7c from a caller workflow: Nexus operation vs an activity making the MCP tools/call (the orchestrator's two transports)",
        'activity + tools/call',
        'Nexus operation',
        viaActivity,
        nx,
        reported.target,
        reported.met,
      ),
    ];
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
  }
}
