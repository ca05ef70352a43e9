import { defineConfig, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Two projects, split by file name. `*.unit.test.ts` needs no Temporal: pure code, local HTTP fakes, subprocesses that
 * never connect. Every other `*.test.ts` is an integration test and gets the Temporal service and the workflow bundles
 * the global setup provides; a test that uses test/support/temporal.ts or a *-stack / tool-servers helper belongs here.
 * `vitest run` runs both, each file once; `vitest run --project unit` starts no Temporal and takes seconds.
 */
const UNIT_TESTS = '**/*.unit.test.ts';
const EXCLUDE = ['node_modules/**', 'data/**'];

const common = {
  // Temporal's native worker runtime wants a process of its own, not a worker thread.
  pool: 'forks',
  // Memory assertions (the fuzz test) measure the heap that stays after a full GC, not V8's headroom.
  execArgv: ['--expose-gc'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
} satisfies UserWorkspaceConfig['test'];

export default defineConfig({
  test: {
    projects: [
      {
        test: { ...common, name: 'unit', include: [UNIT_TESTS], exclude: EXCLUDE },
      },
      {
        test: {
          ...common,
          name: 'integration',
          include: ['**/*.test.ts'],
          exclude: [...EXCLUDE, UNIT_TESTS],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/setup-runtime.ts'],
        },
      },
    ],
  },
});
