/** The calculator as the model sees it; calculator.ts computes, in the worker's `calculate` activity. */
import type { LocalToolSpec } from './local-tool';

export const calculatorTool: LocalToolSpec = {
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly (+ - * / ^, parentheses, sqrt, percentages) and returns the result.',
  parameters: {
    type: 'object',
    properties: {
      expression: { type: 'string', description: 'Arithmetic expression, for example (15 * 23) / 4 or sqrt(144)' },
    },
    required: ['expression'],
    additionalProperties: false,
  },
  run: (activities, args) =>
    activities.calculate.executeWithOptions({ summary: `calculator ${String(args.expression).slice(0, 120)}` }, [
      { expression: String(args.expression ?? '') },
    ]),
};
