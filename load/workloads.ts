/**
 * The workloads, in the order a run warms them up and then runs them. To add one: a module beside these exporting
 * `name`, `phase`, `run(harness, progress)` and perhaps `warmUp(harness)` (see `Workload` in ./harness), and a line here.
 */
import * as conversations from './conversations';
import * as finance from './finance';
import type { Workload } from './harness';
import * as itSessions from './it-sessions';

export const workloads: readonly Workload[] = [itSessions, finance, conversations];
