/**
 * How a long-running tool's workflow tells the world how far it has got: one Query every such workflow answers. The
 * MCP server reads it for `tasks/get` (the status message) and for progress notifications of calls made without
 * tasks. Workflow-safe: only a message definition.
 */
import { defineQuery } from '@temporalio/workflow';

export interface TaskProgress {
  /** One line a person or a model can read: what has been done, and the latest observation. */
  message: string;
  /** Steps done so far (checks made), and how many there will be at most. */
  progress: number;
  total?: number;
  /** Workflow time of the last step, ISO 8601. */
  updatedAt: string;
}

export const taskProgressQuery = defineQuery<TaskProgress>('taskProgress');

/** Long watches are bounded so one run's history stays well below Temporal's limits (about ten events a check). */
export const MAX_WATCH_CHECKS = 1000;
