/**
 * A tool error a program (not only a model) must tell apart carries its kind in the result's `_meta`, under this key:
 * a session handle that is gone (./session-handle.ts), a call refused for want of approval. Workflow-safe: the
 * orchestrator's workflow reads it from the results it keeps.
 */
export const TOOL_ERROR_META_KEY = 'durable-mcp-agents/error';
