/**
 * A config section: the variables one concern reads, and how they become its typed settings. A process parses the
 * sections it uses and no others, so a bad setting of one part (an LLM key, a Jira URL) never stops another.
 */
import type { z } from 'zod';
import { ConfigError, loadEnvFile, parseVariables, type Env } from './env';

export interface ConfigSection<T> {
  /** Every variable this section reads, with its check and default; `.env.example` documents each one. */
  readonly variables: z.ZodRawShape;
  /** `warn`: a setting that works but should change (a deprecated name), for the process to log. */
  parse(env: Env, warn: (message: string) => void): T;
}

export type ConfigSections = Record<string, ConfigSection<unknown>>;
export type ConfigOf<S extends ConfigSections> = { [K in keyof S]: S[K] extends ConfigSection<infer T> ? T : never };

/** A section whose variables go through one zod shape, then `build` (cross-variable checks, defaults from others). */
export function defineSection<S extends z.ZodRawShape, T>(
  variables: S,
  build: (values: z.output<z.ZodObject<S>>, env: Env, warn: (message: string) => void) => T,
): ConfigSection<T> {
  return { variables, parse: (env, warn) => build(parseVariables(variables, env), env, warn) };
}

/** Parses each section; the problems of all of them are reported together, in one line. */
export function parseSections<S extends ConfigSections>(
  env: Env,
  sections: S,
  warn: (message: string) => void = () => undefined,
): ConfigOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [key, section] of Object.entries(sections)) {
    try {
      result[key] = section.parse(env, warn);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const problem of err.problems) if (!problems.includes(problem)) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result as ConfigOf<S>;
}

/** The process edge: `.env`, then the environment, parsed once into the sections this process uses. */
export function loadSections<S extends ConfigSections>(sections: S, warn?: (message: string) => void): ConfigOf<S> {
  loadEnvFile();
  return parseSections(process.env, sections, warn);
}
