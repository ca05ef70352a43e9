/**
 * The conversation workflow's `patched()` ids, one per change of its command sequence. Runs recorded before a patch
 * replay its old branch (test/orchestrator/conversation-replay.test.ts; docs/changing-workflow-code.md). docs/patches.md
 * has them all in one table: where each old branch is, and when `deprecatePatch` can follow.
 */

/**
 * MCP 2026-07-28: tool lists kept for their `ttlMs`, the IT handle taken from results, IT calls serialized until a
 * handle exists. Before it, discovery opened the IT session and returned its Mcp-Session-Id, and tools were listed once.
 */
export const MCP_2026_PATCH = 'mcp-2026-handles';

/**
 * The offline planner is pure CPU (milliseconds, no I/O): as a local activity it runs inside the workflow task
 * that asks for it, instead of a scheduled activity plus one more workflow task, twice a turn (docs/benchmarks.md
 * has the measurement). Remote models do network I/O for seconds and stay scheduled activities. Runs started before
 * this replay their scheduled model activities.
 */
export const LOCAL_PLANNER_PATCH = 'offline-planner-local-activity';

/**
 * One idle timer per idle period: the conversation loop no longer wakes at each turn's start and end, which cancelled
 * the idle timer and started a new one twice a turn (four history events, and their promises in the workflow
 * sandbox); the timer runs on, and when it fires after a turn it is started again for what is left of the idle time.
 * Runs started before this replay the timer per turn.
 */
export const IDLE_TIMER_PATCH = 'idle-timer-per-idle-period';

/**
 * Turns one at a time, in arrival order: an Update waits again if another took the turn first. `condition()` resolves
 * every waiter whose predicate holds in one pass (and at once when it holds already), so two Updates waiting for a
 * turn to end, or arriving together while none ran, all started their turns at once. Runs started before this replay
 * the single wait.
 */
export const SERIAL_TURNS_PATCH = 'serial-turns';

/**
 * What a conversation keeps is bounded (orchestrator/state-bounds.ts): a tool result the model reads and a finished
 * background task's result are capped, with a note of the whole size; a task's result is kept once (the transcript
 * notice has its first line); finished tasks beyond the most recent are dropped from the state; running tasks are
 * capped; transcript entries are clipped and the transcript capped in total size. Before it, six long watch_ip
 * results pushed the state past Temporal's 2 MB payload limit and continue-as-new failed. Runs started before this
 * keep everything, as they did.
 */
export const BOUNDED_STATE_PATCH = 'bounded-conversation-state';

/**
 * The IT session's handle is hidden from the model (masked in the IT results it reads and the transcript records),
 * and the follow activity's summary in the Web UI names the tool, not the MCP task id. Runs started before this
 * show both, as they did.
 */
export const HIDDEN_IDS_PATCH = 'handles-hidden-from-model';

/**
 * A tool call that needs a person's approval (the server's listing says so) waits for it in the conversation: the
 * Agents SDK loop through `needsApproval` and its interruptions, the manual loop before it calls, either loop when an
 * MCP server asks (`input_required`). Before it, such a call went to the server unasked and was refused there. Runs
 * started before this call as they did.
 */
export const APPROVALS_PATCH = 'tool-approvals';

/**
 * The Agents SDK's own tracing is off unless the conversation asks for it (`ConversationInput.agentTracing`): no live
 * trace or spans in the workflow, nothing through the plugin's trace sink, and the model activity's request says
 * `tracing: false`. Nothing in this project exports agent traces (orchestrator/plugin.ts drops the SDK's default
 * processors and leaves the plugin's OpenTelemetry bridge off), and they cost 68 of the 340 promises a turn makes in
 * the workflow sandbox. Runs started before this trace as they did.
 */
export const AGENT_TRACING_PATCH = 'agent-tracing-only-when-exported';

/**
 * The Agents SDK loop's answer to a provider that finds the context too long is the conversation's context policy,
 * as in the manual loop: the model activity reports a non-retryable `ModelContextTooLong`, the turn trims the
 * memory to about half (context-window.ts, `fitTighter`) and runs once more; a second failure is the turn's reply.
 * Before it, the model activity dropped the older half of that one request and asked again inside itself, and the
 * memory stayed as long as it was. Histories recorded before it replay the old branch (turn.ts,
 * `endTurnOnContextTooLong`): the failure, which came only after the activity's own trim, ended the turn.
 */
export const CONTEXT_TOO_LONG_PATCH = 'context-too-long-trims-conversation';
