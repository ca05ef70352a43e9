import { fileURLToPath } from 'node:url';
import type { WorkflowBundleSpec } from '../../shared/temporal/workflow-bundle';

export const itWorkflowBundle: WorkflowBundleSpec = {
  name: 'it',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
};
