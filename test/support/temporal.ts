/** What every Temporal-backed test needs: the run's server, the prebuilt bundles, and names no other test uses. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig, type AppConfig } from '../../shared/config';

/** The app config pointed at the test run's Temporal service (plus any overrides a test needs). */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return parseConfig({ ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), ...overrides });
}

export function prebuiltBundle(name: string): string {
  const codePath = inject('workflowBundles')[name];
  if (!codePath) throw new Error(`no prebuilt workflow bundle named ${name}; add it to test/workflow-bundles.ts`);
  return codePath;
}

/** Task queues are per test, so tests never steal each other's tasks whatever order or parallelism they run in. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
