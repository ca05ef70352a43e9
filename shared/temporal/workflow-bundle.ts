/**
 * How each part's workflow code is bundled. Workers pass a spec to `Worker.create` (bundling at start); the test run
 * bundles every spec once in its global setup and shares the result with all tests.
 */
import { bundleWorkflowCode, type BundleOptions, type WorkerOptions } from '@temporalio/worker';

export interface WorkflowBundleSpec {
  /** A short name, also the key tests use to find the prebuilt bundle. */
  name: string;
  workflowsPath: string;
  webpackConfigHook?: BundleOptions['webpackConfigHook'];
  /** Plugins that shape the bundle (the OpenAI Agents plugin adds polyfills and interceptors); workers pass theirs. */
  plugins?: () => BundleOptions['plugins'];
  /** Workflow interceptor modules, bundled in (and given to a worker that bundles at start). */
  interceptorModules?: string[];
}

/** Worker options that bundle at start, or load a prebuilt bundle when one is given. */
export function workflowSourceOptions(
  spec: WorkflowBundleSpec,
  prebuiltCodePath?: string,
): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'bundlerOptions' | 'interceptors'> {
  if (prebuiltCodePath) return { workflowBundle: { codePath: prebuiltCodePath } };
  return {
    workflowsPath: spec.workflowsPath,
    bundlerOptions: { webpackConfigHook: spec.webpackConfigHook },
    ...(spec.interceptorModules ? { interceptors: { workflowModules: spec.interceptorModules } } : {}),
  };
}

export async function bundleWorkflows(spec: WorkflowBundleSpec): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: spec.workflowsPath,
    webpackConfigHook: spec.webpackConfigHook,
    plugins: spec.plugins?.(),
    workflowInterceptorModules: spec.interceptorModules,
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m, meta) => process.stderr.write(`${m} ${JSON.stringify(meta ?? {})}\n`),
      log() {},
    },
  });
  return code;
}
