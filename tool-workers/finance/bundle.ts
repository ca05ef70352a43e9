import { fileURLToPath } from 'node:url';
import type { WorkflowBundleSpec } from '../../shared/temporal/workflow-bundle';

export const financeWorkflowBundle: WorkflowBundleSpec = {
  name: 'finance',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
};
