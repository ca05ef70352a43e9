/**
 * The name the offline model answers to. Its own file, free of imports, so that workflow code can name the model
 * (orchestrator/contract/conversation.ts) without bundling the planner.
 */
export const OFFLINE_MODEL_NAME = 'offline';
