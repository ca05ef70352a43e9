/**
 * A tool the orchestrator runs itself, as one of its own activities. Its spec (what the model is told, and which
 * activity a call becomes) sits next to its implementation but imports nothing at run time, so the workflow can offer
 * the tool while the implementation (mathjs, HTTP clients) stays in the worker.
 *
 * Not `activityAsTool`: that one names the activity after the tool, gives the model the activity's result as JSON
 * and fails the call on an error, while these keep their activity names, answer in text and record each call.
 */
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { OrchestratorActivities, ToolOutcome } from '../contract/activities';

export interface LocalToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments, as the model sees them. */
  parameters: {
    type: 'object';
    properties: Record<string, { type: string; description: string }>;
    required: string[];
    additionalProperties: false;
  };
  /** One call, as the orchestrator's activity for this tool. */
  run(activities: ActivityInterfaceFor<OrchestratorActivities>, args: Record<string, unknown>): Promise<ToolOutcome>;
}
