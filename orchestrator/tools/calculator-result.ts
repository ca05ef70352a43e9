/** What the calculator answers, apart from calculator.ts, so the worker's main thread never loads mathjs. */

export interface CalculationResult {
  expression: string;
  /** Formatted with up to 10 significant digits, e.g. "345" or "0.3333333333"; complex numbers, units and matrices too. */
  result: string;
  /** The numeric value when the result is a real, finite number, else null. */
  value: number | null;
  /** "15 * 23 = 345" */
  text: string;
}

/** The expression cannot be calculated (empty, malformed, unknown name, too large, not finite, ...); the message says why. */
export class CalculatorInputError extends Error {
  override name = 'CalculatorInputError';
}
