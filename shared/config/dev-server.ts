/**
 * The local Temporal dev server this project starts (`npm run temporal`, `npm start`, the tests, the bench), and
 * where its Web UI is.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { optionalString, port, projectRoot } from './env';
import { defineSection } from './section';

export interface DevServerSettings {
  cliPath?: string;
  cliCacheDir: string;
  uiPort: number;
  dataDir: string;
}

export const devServerSection = defineSection(
  {
    TEMPORAL_CLI: optionalString,
    TEMPORAL_CLI_CACHE_DIR: optionalString,
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_DATA_DIR: optionalString,
  },
  (c, env): DevServerSettings => ({
    cliPath: c.TEMPORAL_CLI,
    cliCacheDir:
      c.TEMPORAL_CLI_CACHE_DIR ??
      path.join(env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache'), 'durable-mcp-agents', 'temporal-cli'),
    uiPort: c.TEMPORAL_UI_PORT,
    dataDir: path.resolve(projectRoot, c.TEMPORAL_DATA_DIR ?? 'data'),
  }),
);

export interface TemporalUiSettings {
  /** TEMPORAL_UI_URL: the Web UI of the server in use, when it has one. */
  url?: string;
  /** Where the dev server `npm run temporal` starts serves its Web UI (TEMPORAL_UI_PORT). */
  devServerPort: number;
}

/** Read by what prints Web UI links (the chat, `npm start`); shared/temporal/web-ui.ts decides which link. */
export const temporalUiSection = defineSection(
  { TEMPORAL_UI_URL: z.url().optional(), TEMPORAL_UI_PORT: port.default(8233) },
  (c): TemporalUiSettings => ({ url: c.TEMPORAL_UI_URL?.replace(/\/+$/, ''), devServerPort: c.TEMPORAL_UI_PORT }),
);
