import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from '../support/temporal';
import * as activities from './activities';
import { harnessWorkflowBundle } from './bundle';
import { harnessWorkflow } from './workflows';

describe('test harness: a real Temporal service', () => {
  const { temporal } = testConfig();

  it.each([temporal.namespaces.finance, temporal.namespaces.it])(
    'runs a workflow and its activity in %s',
    async (namespace) => {
      const taskQueue = uniqueTaskQueue('harness');
      const workerConnection = await connectWorker(temporal);
      const clientConnection = await connectClient(temporal);
      try {
        const worker = await Worker.create({
          connection: workerConnection,
          namespace,
          taskQueue,
          activities,
          ...workflowSourceOptions(harnessWorkflowBundle, prebuiltBundle(harnessWorkflowBundle.name)),
        });
        const client = new Client({ connection: clientConnection, namespace });
        const workflowId = `harness-${taskQueue}`;
        const result = await worker.runUntil(
          client.workflow.execute(harnessWorkflow, {
            taskQueue,
            workflowId,
            args: [{ greeting: `hello ${namespace}` }],
          }),
        );
        expect(result).toEqual({ echoed: `hello ${namespace}`, namespace, attempt: 1, workflowNamespace: namespace });

        // The server, not just the worker, recorded the run in that namespace.
        const description = await client.workflow.getHandle(workflowId).describe();
        expect(description.status.name).toBe('COMPLETED');
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        const kinds = history.events!.map((e) => e.eventType);
        expect(kinds).toContain(10 /* ACTIVITY_TASK_SCHEDULED */);
      } finally {
        await clientConnection.close();
        await workerConnection.close();
      }
    },
  );
});
