/** Every workflow bundle the tests use; the global setup builds each once per run. */
import type { WorkflowBundleSpec } from '../shared/temporal/workflow-bundle';
import { orchestratorWorkflowBundle } from '../orchestrator/bundle';
import { financeWorkflowBundle } from '../tool-workers/finance/bundle';
import { itWorkflowBundle } from '../tool-workers/it/bundle';
import { harnessWorkflowBundle } from './harness/bundle';
import { nexusCallerWorkflowBundle } from './security/nexus-caller/bundle';

export const testWorkflowBundles: WorkflowBundleSpec[] = [
  harnessWorkflowBundle,
  financeWorkflowBundle,
  itWorkflowBundle,
  orchestratorWorkflowBundle,
  nexusCallerWorkflowBundle,
];
