import { fileURLToPath } from 'node:url';
import type { WorkflowBundleSpec } from '../../shared/temporal/workflow-bundle';

export const harnessWorkflowBundle: WorkflowBundleSpec = {
  name: 'harness',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
};
