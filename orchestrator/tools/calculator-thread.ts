/** The calculator as its worker thread runs it (limited-thread-entry.mjs calls `handle`); refusals cross as data. */
import { calculate, CalculatorInputError, type CalculationResult } from './calculator';

export type CalculatorAnswer = { result: CalculationResult } | { refusal: string };

export function handle(expression: string): CalculatorAnswer {
  try {
    return { result: calculate(expression) };
  } catch (err) {
    if (err instanceof CalculatorInputError) return { refusal: err.message };
    throw err;
  }
}

// mathjs builds most of its functions on first use: done here, before the thread says it is ready, so that it does
// not count against the first request's time limit.
handle('sqrt(2) * 5 cm + 2 inch + [1, 2] * 3!');
