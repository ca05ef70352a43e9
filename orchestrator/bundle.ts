import { fileURLToPath } from 'node:url';
import type { WorkflowBundleSpec } from '../shared/temporal/workflow-bundle';
import { createAgentsPlugin } from './plugin';
import { OFFLINE_MODEL_NAME } from './contract/conversation';

export const orchestratorWorkflowBundle: WorkflowBundleSpec = {
  name: 'orchestrator',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  interceptorModules: [fileURLToPath(new URL('./nexus-identity.ts', import.meta.url))],
  // The Agents SDK ships browser and node builds; the workflow sandbox needs the browser-safe one.
  webpackConfigHook: (config) => ({
    ...config,
    resolve: { ...config.resolve, conditionNames: ['require', 'browser', 'default'] },
  }),
  // Only the plugin's bundler hooks matter here (polyfills, interceptors); the model provider is never called.
  plugins: () => [createAgentsPlugin({ llm: { kind: 'offline', model: OFFLINE_MODEL_NAME }, modelTimeoutMs: 60_000 })],
};
