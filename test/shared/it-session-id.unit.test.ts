/**
 * IT_SESSION_ID must be what the IT tools accept as a session handle: an id they refuse (the old Goose example's
 * `goose`) made every read and close_session of the stdio session fail. Refused at start, in one line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, itSection, itSessionsSection, projectRoot } from '../../shared/config';
import { SESSION_HANDLE_PATTERN } from '../../shared/tools/session-handle';
import { sessionIdArg } from '../../tool-workers/it/contract';

const noWarnings = () => undefined;

describe('IT_SESSION_ID', () => {
  it.each(['goose', 'claude desktop', 'x'.repeat(129), 'ünïcode-id', 'semi;colon1'])(
    'refuses %j, which the tools refuse as a session_id, naming the variable and the pattern',
    (id) => {
      expect(sessionIdArg.safeParse(id).success).toBe(false);
      for (const section of [itSessionsSection, itSection]) {
        let error: unknown;
        try {
          section.parse({ IT_SESSION_ID: id }, noWarnings);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as ConfigError).message;
        expect(message).toContain('IT_SESSION_ID: expected a session handle matching ^[A-Za-z0-9_-]{8,128}$');
        expect(message).not.toContain('\n');
      }
    },
  );

  it.each(['AbCdEfGhIjKlMnOpQrStUv', 'desktop-1733580000000', '123e4567-e89b-12d3-a456-426614174000'])(
    'accepts %j, which the tools accept',
    (id) => {
      expect(sessionIdArg.safeParse(id).success).toBe(true);
      expect(itSessionsSection.parse({ IT_SESSION_ID: id }, noWarnings).stdioSessionId).toBe(id);
    },
  );

  it('is the tools’ own pattern', () => {
    expect(SESSION_HANDLE_PATTERN.source).toBe('^[A-Za-z0-9_-]{8,128}$');
  });

  it('stops the stdio IT server at start with one line on stderr and nothing on stdout', () => {
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'mcp-it.mjs'), '--transport', 'stdio'], {
      cwd: '/',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENV_FILE: '/nonexistent',
        IT_SESSION_ID: 'goose',
        // Nothing listens here: the process must stop before it tries.
        TEMPORAL_ADDRESS: '127.0.0.1:9',
      },
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^mcp:it: Invalid configuration: IT_SESSION_ID: expected a session handle .*\(got "goose"\)$/,
      ),
    ]);
  });
});
