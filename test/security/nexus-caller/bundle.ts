import { fileURLToPath } from 'node:url';
import type { WorkflowBundleSpec } from '../../../shared/temporal/workflow-bundle';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

export const nexusCallerWorkflowBundle: WorkflowBundleSpec = {
  name: 'nexus-caller',
  workflowsPath,
  interceptorModules: [workflowsPath],
};
