/**
 * What environment each child of the launcher gets: the variables its own config sections read (the same zod
 * shapes it parses them with, so the lists cannot drift apart), and what any process needs (the OS's and Node's own
 * variables, Temporal's and OpenTelemetry's standard ones, logging). Nothing else: the launcher has read `.env`, and
 * an API key or token in it reaches only the processes whose config reads it.
 */
import { devNull } from 'node:os';
import type { ConfigSections } from '../config';

/** Names any process may need, whatever it is. Case-insensitive: Windows spells them as it likes (`Path`). */
const COMMON = [
  /^(PATH|PATHEXT|HOME|USER|USERNAME|LOGNAME|SHELL|TERM|COLORTERM|NO_COLOR|FORCE_COLOR|TZ|LANG|LANGUAGE)$/i,
  /^(TMPDIR|TMP|TEMP|SYSTEMROOT|SYSTEMDRIVE|WINDIR|COMSPEC|APPDATA|LOCALAPPDATA|USERPROFILE|PROGRAMDATA)$/i,
  // The network as this machine reaches it: proxies and CA certificates, for whichever process calls out.
  /^(HTTP_PROXY|HTTPS_PROXY|NO_PROXY|ALL_PROXY|SSL_CERT_FILE|SSL_CERT_DIR)$/i,
  /^(LC|XDG|NODE|TSX|TEMPORAL|OTEL|LOG)_/i,
];

/** Every variable the given config sections read. */
export function variablesOf(sections: ConfigSections): string[] {
  return [...new Set(Object.values(sections).flatMap((s) => Object.keys(s.variables)))];
}

/**
 * The environment for a child that parses `sections`: the launcher's own variables, filtered. `ENV_FILE` points at
 * an empty file, so the child does not read `.env` again and get every secret back.
 */
export function serviceEnvironment(
  launcherEnv: NodeJS.ProcessEnv,
  sections: ConfigSections,
  withheld: readonly string[] = [],
): NodeJS.ProcessEnv {
  const own = new Set(variablesOf(sections));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(launcherEnv)) {
    if (value === undefined || withheld.includes(name)) continue;
    if (own.has(name) || COMMON.some((pattern) => pattern.test(name))) env[name] = value;
  }
  env.ENV_FILE = devNull;
  return env;
}
