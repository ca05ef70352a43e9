/**
 * Every bench, in the order a run measures them (whatever order they are named in). To add one: a module beside
 * these exporting `name`, `description`, `needs` and `run(harness)` (see `Bench` in ./harness), and a line here.
 */
import type { Bench } from './harness';
import * as mcpLayer from './mcp-layer';
import * as finance from './finance';
import * as it from './it';
import * as mcpCallActivity from './mcp-call-activity';
import * as throughput from './throughput';
import * as itMemory from './it-memory';
import * as orchestrator from './orchestrator';
import * as approvals from './approvals';
import * as nexus from './nexus';
import * as tracing from './tracing';

export const benches: readonly Bench[] = [
  mcpLayer,
  finance,
  it,
  mcpCallActivity,
  throughput,
  itMemory,
  orchestrator,
  approvals,
  nexus,
  tracing,
];
