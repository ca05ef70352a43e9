/**
 * The Temporal connection, read by `@temporalio/envconfig` as every Temporal SDK and the CLI read it: a profile of
 * the TOML profile file (TEMPORAL_CONFIG_FILE, default `~/.config/temporalio/temporal.toml`; TEMPORAL_PROFILE picks
 * one, default `default`), overridden by the standard TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and
 * TEMPORAL_TLS* variables. On top sits this project's mapping to three namespaces: the orchestrator's
 * (TEMPORAL_NAMESPACE, or the profile's), finance's and IT's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { platform } from 'node:os';
import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import { z } from 'zod';
import { ConfigError, flag, hostPort, optionalString, parseVariables, presentValues, type Env } from './env';
import type { ConfigSection } from './section';

export interface TemporalConfig {
  address: string;
  namespaces: { orchestrator: string; finance: string; it: string };
  apiKey?: string;
  /** undefined: plain TCP; otherwise TLS (server-verified, optionally with an mTLS client pair), files already read. */
  tls?: TLSConfig;
  /** gRPC headers for every call (the profile's `grpc_meta`, TEMPORAL_GRPC_META_*). */
  metadata?: Record<string, string>;
}

/** Where `npm run temporal` serves when nothing says otherwise. */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/**
 * The names this project read before it used Temporal's standard ones. Still read, with a deprecation warning at
 * start, so existing `.env` files keep working; to be removed in a later release.
 */
export const deprecatedTemporalVariables = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

const variables = {
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_FINANCE_NAMESPACE: z.string().min(1).default('finance-namespace'),
  TEMPORAL_IT_NAMESPACE: z.string().min(1).default('it-namespace'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalString,
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_CONFIG_FILE: optionalString,
};

/** The TLS fields of a profile, with the variable and the TOML key that set each. */
const tlsFiles = [
  { field: 'clientCert', variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH', toml: 'tls.client_cert_path' },
  { field: 'clientKey', variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH', toml: 'tls.client_key_path' },
  { field: 'serverCACert', variable: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', toml: 'tls.server_ca_cert_path' },
] as const;

/** envconfig's default file location, for error messages only (envconfig itself finds the file). */
function defaultProfileFile(env: Env): string | undefined {
  const home = env.HOME;
  const dir =
    platform() === 'win32'
      ? env.APPDATA
      : platform() === 'darwin'
        ? home && path.join(home, 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME || (home && path.join(home, '.config'));
  return dir ? path.join(dir, 'temporalio', 'temporal.toml') : undefined;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
};

export const temporalSection: ConfigSection<TemporalConfig> = {
  variables,
  parse(env, warn) {
    const given = presentValues(env);
    // Which variable the user actually set for a standard name: an error names what they wrote.
    const setAs: Record<string, string> = {};
    for (const [old, standard] of Object.entries(deprecatedTemporalVariables)) {
      const value = given[old];
      if (value === undefined) continue;
      if (given[standard] !== undefined && given[standard] !== value) {
        throw new ConfigError([`${old}: replaced by ${standard}, which is set to another value; remove ${old}`]);
      }
      warn(`${old} is deprecated: rename it ${standard} (Temporal's standard name); it is still read for now`);
      given[standard] = value;
      setAs[standard] = old;
    }
    const v = parseVariables(variables, given);
    const nameOf = (variable: string) => setAs[variable] ?? variable;

    const file = v.TEMPORAL_CONFIG_FILE ?? defaultProfileFile(given);
    if (v.TEMPORAL_CONFIG_FILE && !existsSync(v.TEMPORAL_CONFIG_FILE)) {
      throw new ConfigError([`TEMPORAL_CONFIG_FILE: no such file ${v.TEMPORAL_CONFIG_FILE}`]);
    }
    // envconfig reads only `1`/`true` as on; the other spellings this project accepts are normalised for it.
    const forEnvconfig: Record<string, string> = { ...given };
    if (v.TEMPORAL_TLS !== undefined) forEnvconfig.TEMPORAL_TLS = String(v.TEMPORAL_TLS);
    let profile: ClientConfigProfile;
    try {
      profile = loadClientConfigProfile({ overrideEnvVars: forEnvconfig });
    } catch (err) {
      const message = (err as Error).message;
      if (/^Profile '.*' not found/.test(message)) {
        throw new ConfigError([
          `TEMPORAL_PROFILE: no profile ${JSON.stringify(v.TEMPORAL_PROFILE)} in ${file ?? 'the profile file'}`,
        ]);
      }
      throw new ConfigError([`TEMPORAL_CONFIG_FILE: cannot read the profile file ${file ?? ''}: ${message}`]);
    }
    const profileName = v.TEMPORAL_PROFILE ?? 'default';
    const fromProfile = (key: string) => `${key} of profile "${profileName}" in ${file}`;

    // The certificate files are read here, once, so that a missing one is reported by the name that set it.
    const tls = profile.tls && { ...profile.tls };
    for (const { field, variable, toml } of tlsFiles) {
      const source = tls?.[field];
      if (!tls || !source || !('path' in source)) continue;
      try {
        tls[field] = { data: readFileSync(source.path) };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        const name = v[variable] === source.path ? nameOf(variable) : fromProfile(toml);
        throw new ConfigError([`${name}: cannot read ${source.path} (${FS_REASONS[code] ?? code})`]);
      }
    }
    if ((tls?.clientCert === undefined) !== (tls?.clientKey === undefined)) {
      throw new ConfigError([
        `${nameOf('TEMPORAL_TLS_CLIENT_CERT_PATH')} and ${nameOf('TEMPORAL_TLS_CLIENT_KEY_PATH')}: set both for mTLS, or neither`,
      ]);
    }
    if (tls?.disabled && (tls.clientCert || tls.serverCACert)) {
      throw new ConfigError(['TEMPORAL_TLS: is false but TLS certificates are set']);
    }
    const connect = toClientOptions({ ...profile, tls });

    const address = profile.address ?? DEFAULT_TEMPORAL_ADDRESS;
    if (!hostPort.safeParse(address).success) {
      throw new ConfigError([
        `${fromProfile('address')}: expected host:port, for example 127.0.0.1:7233 (got ${JSON.stringify(address)})`,
      ]);
    }
    const { tls: tlsOption, apiKey, metadata } = connect.connectionOptions;
    return {
      address,
      namespaces: {
        orchestrator: profile.namespace ?? 'default',
        finance: v.TEMPORAL_FINANCE_NAMESPACE,
        it: v.TEMPORAL_IT_NAMESPACE,
      },
      apiKey,
      tls: tlsOption === true ? {} : tlsOption || undefined,
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata: metadata as Record<string, string> } : {}),
    };
  },
};
