/**
 * The desktop-client config examples (Claude Desktop, Goose), with the placeholder path replaced by this clone's
 * absolute path, `node` by the absolute path of the running Node (desktop apps often start without the shell's
 * PATH, so a bare `node` may not be found), and the IT_SESSION_ID placeholder by a fresh random session handle.
 * Tests spawn the servers from exactly these entries.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from './config';

export const PLACEHOLDER_ROOT = '/absolute/path/to/durable-mcp-agents';
/** Not a valid handle, so a config copied without filling it in stops the server at start, saying why. */
export const PLACEHOLDER_SESSION_ID = '<random: npm run desktop-config fills in a fresh one>';
export const claudeConfigFile = path.join(projectRoot, 'claude_desktop_config.example.json');
export const gooseConfigFile = path.join(projectRoot, 'goose_config.example.yaml');

export interface StdioEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export type GooseExtension =
  | {
      type: 'stdio';
      name: string;
      enabled: boolean;
      cmd: string;
      args: string[];
      envs: Record<string, string>;
      timeout: number;
    }
  | {
      type: 'streamable_http';
      name: string;
      enabled: boolean;
      uri: string;
      headers: Record<string, string>;
      timeout: number;
    };

/**
 * A stdio session's id is its only key: stdio and unauthenticated loopback HTTP share one caller scope, so a guessable
 * id ("goose") would let any such caller read and close the desktop's session. 128 random bits, like the handles the
 * server mints.
 */
export function newStdioSessionId(): string {
  return randomBytes(16).toString('base64url');
}

function localize(text: string, nodePath: string, sessionId: string): string {
  return text
    .replaceAll(PLACEHOLDER_ROOT, projectRoot)
    .replaceAll(PLACEHOLDER_SESSION_ID, sessionId)
    .replace(/("command":\s*)"node"/g, `$1${JSON.stringify(nodePath)}`)
    .replace(/^(\s*cmd:\s*)node\s*$/gm, `$1${nodePath}`);
}

export function claudeDesktopConfigText(nodePath = process.execPath, sessionId = newStdioSessionId()): string {
  return localize(readFileSync(claudeConfigFile, 'utf8'), nodePath, sessionId);
}

export function gooseConfigText(nodePath = process.execPath, sessionId = newStdioSessionId()): string {
  return localize(readFileSync(gooseConfigFile, 'utf8'), nodePath, sessionId);
}

export function claudeDesktopServers(nodePath?: string): Record<string, StdioEntry> {
  return (JSON.parse(claudeDesktopConfigText(nodePath)) as { mcpServers: Record<string, StdioEntry> }).mcpServers;
}

export function gooseExtensions(nodePath?: string): Record<string, GooseExtension> {
  return (parseYaml(gooseConfigText(nodePath)) as { extensions: Record<string, GooseExtension> }).extensions;
}
