/**
 * One Temporal service for the whole test run: TEMPORAL_ADDRESS when set, otherwise an ephemeral dev server on free
 * ports (the same CLI binary `npm run temporal` uses). Workflow bundles are built once here and shared by path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { parseConfig } from '../shared/config';
import { findTemporalCli } from '../shared/temporal/cli-binary';
import { devServerDynamicConfigArgs, ensureNamespaces } from '../shared/temporal/dev-server';
import { bundleWorkflows } from '../shared/temporal/workflow-bundle';
import { testWorkflowBundles } from './workflow-bundles';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundles: Record<string, string>;
  }
}

const TOOL_NAMESPACES = ['finance-namespace', 'it-namespace'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = parseConfig({ ...process.env, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || undefined });
  let env: TestWorkflowEnvironment | undefined;
  let address: string;

  const bundleDir = mkdtempSync(path.join(tmpdir(), 'dma-bundles-'));
  const bundling = Promise.all(
    testWorkflowBundles.map(async (spec) => {
      const file = path.join(bundleDir, `${spec.name}.js`);
      writeFileSync(file, await bundleWorkflows(spec));
      return [spec.name, file] as const;
    }),
  );

  if (process.env.TEMPORAL_ADDRESS) {
    address = config.temporal.address;
    await ensureNamespaces(config.temporal, ['default', ...TOOL_NAMESPACES]);
  } else {
    const cliPath = await findTemporalCli({
      explicitPath: config.devServer.cliPath,
      cacheDir: config.devServer.cliCacheDir,
    });
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        ip: '127.0.0.1',
        // The same dynamic config as `npm run temporal` (see DEV_SERVER_DYNAMIC_CONFIG): tests run at its latency.
        extraArgs: [...devServerDynamicConfigArgs(), ...TOOL_NAMESPACES.flatMap((ns) => ['--namespace', ns])],
        log: { format: 'pretty', level: 'error' },
      },
    });
    address = env.address;
  }

  project.provide('temporalAddress', address);
  project.provide('workflowBundles', Object.fromEntries(await bundling));

  return async () => {
    await env?.teardown();
    rmSync(bundleDir, { recursive: true, force: true });
  };
}
