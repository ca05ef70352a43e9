/**
 * Structured logs go to stderr only: stdout belongs to the MCP stdio protocol and to the chat.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string = 'info'): Logger {
  return pino(
    {
      name,
      level,
      // Belt and braces: secrets never reach a log line even if an object carrying them is logged.
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
