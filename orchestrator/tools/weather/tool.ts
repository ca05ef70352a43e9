/** The weather tool as the model sees it; the providers beside it answer, in the worker's `currentWeather` activity. */
import type { LocalToolSpec } from '../local-tool';

export const weatherTool: LocalToolSpec = {
  name: 'weather',
  description: 'Current weather in a city: temperature, conditions, humidity and wind.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name, for example New York or Paris' } },
    required: ['city'],
    additionalProperties: false,
  },
  run: (activities, args) =>
    activities.currentWeather.executeWithOptions({ summary: `weather ${String(args.city).slice(0, 80)}` }, [
      { city: String(args.city ?? '') },
    ]),
};
