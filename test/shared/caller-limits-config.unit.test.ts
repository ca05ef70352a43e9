/**
 * The per-caller limits are one set of settings for both paths (issue 26, item 2): the MCP servers read them for
 * their callers, the tool workers for their Nexus callers, and the launcher hands them to both (a child gets only the
 * variables of the sections it reads).
 */
import { describe, expect, it } from 'vitest';
import { mcpServingSection, parseSections } from '../../shared/config';
import { serviceEnvironment } from '../../shared/launcher/service-env';
import { serviceReads } from '../../shared/launcher/services';

const SETTINGS = {
  MCP_MAX_IT_SESSIONS_PER_CALLER: '3',
  MCP_MAX_TASKS_PER_CALLER: '4',
  MCP_MAX_LONG_RUNNING_PER_CALLER: '5',
};

describe('per-caller limits config', () => {
  it.each(['worker:it', 'worker:finance'] as const)('%s is given the limits and parses them', (service) => {
    const env = serviceEnvironment({ ...SETTINGS, OPENAI_API_KEY: 'sk-not-for-workers' }, serviceReads[service]);
    expect(env).toMatchObject(SETTINGS);
    expect(env.OPENAI_API_KEY).toBeUndefined();
    const { callerLimits } = parseSections(env, serviceReads[service]) as unknown as {
      callerLimits: { itSessions: { max: number }; longRunning: { max: number; setting: string } };
    };
    expect(callerLimits.itSessions.max).toBe(3);
    expect(callerLimits.longRunning).toMatchObject({ max: 5, setting: 'MCP_MAX_LONG_RUNNING_PER_CALLER' });
  });

  it('the MCP servers read the same settings', () => {
    const { limits } = mcpServingSection.parse(SETTINGS, () => undefined);
    expect([limits.itSessions.max, limits.tasks.max, limits.longRunning.max]).toEqual([3, 4, 5]);
  });

  it('a bad value names the setting, for a worker too', () => {
    expect(() => parseSections({ MCP_MAX_LONG_RUNNING_PER_CALLER: '0' }, serviceReads['worker:it'])).toThrowError(
      /MCP_MAX_LONG_RUNNING_PER_CALLER/,
    );
  });
});
