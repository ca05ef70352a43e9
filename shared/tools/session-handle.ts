/**
 * The shape of an IT session handle, in one place: what the IT tools accept as `session_id`, and so what stdio's
 * IT_SESSION_ID must be (config refuses at start what every tool call would refuse).
 */

/** Handles the server mints are 22 characters; older UUID session ids and chosen stdio ids still fit. */
export const SESSION_HANDLE_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
