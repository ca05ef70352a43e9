/**
 * The IT session handle on the wire, in one place: its shape (what the IT tools accept as `session_id`, and so what
 * stdio's IT_SESSION_ID must be: config refuses at start what every tool call would refuse), the argument that carries
 * it, the tool that ends it, and the tool-error kinds (`_meta[TOOL_ERROR_META_KEY]`, ./tool-error.ts) a program acts
 * on. The IT tools, the IT MCP server and the orchestrator, which keeps the handle for its model, all read these.
 * Workflow-safe: constants only.
 */

/** Handles the server mints are 22 characters; older UUID session ids and chosen stdio ids still fit. */
export const SESSION_HANDLE_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** The argument a session tool takes the handle as, and the field a result returns it in. */
export const SESSION_ID_ARGUMENT = 'session_id';

/** The tool that ends a session. */
export const CLOSE_SESSION_TOOL = 'close_session';

/** Tool-error kind: the handle names no open session of this caller (it ended, or never existed here). */
export const SESSION_NOT_FOUND = 'session_not_found';

/** Tool-error kind: the call needs a session and names none. */
export const NO_SESSION = 'no_session';
