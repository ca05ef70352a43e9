/** LOG_LEVEL: every process reads it. */
import { z } from 'zod';
import { defineSection } from './section';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const logLevelSection = defineSection(
  { LOG_LEVEL: z.enum(logLevels).default('info') },
  (v): LogLevel => v.LOG_LEVEL,
);
