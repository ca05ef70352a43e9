import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/setup-runtime.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    // Temporal's native worker runtime wants a process of its own, not a worker thread.
    pool: 'forks',
    // Memory assertions (the fuzz test) measure the heap that stays after a full GC, not V8's headroom.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
