/**
 * MCP over stdio, both generations: the SDK's `serveStdio` reads the opening exchange (a 2026-07-28 envelope, or a
 * 2025-era initialize) and pins one instance from the same factory for the connection. stdout carries only protocol
 * frames (the SDK transport writes them); every log goes to stderr. Resolves when the client closes stdin, which is
 * how desktop clients end a server.
 */
import { serveStdio as serveStdioEntry } from '@modelcontextprotocol/server/stdio';
import type { McpServerFactory } from './http';

export async function serveStdio(createServer: McpServerFactory, sessionId?: string): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  // The stdio process's own session is every call's default, on either era, and outlives idle expiry.
  const handle = serveStdioEntry((ctx) =>
    createServer({ era: ctx.era, sessionId, reopenDefaultSession: sessionId !== undefined }),
  );
  await closed;
  await handle.close();
}
