/**
 * The orchestrator's calculator: arithmetic through mathjs, never eval. Hardened as mathjs's security guide says
 * (https://mathjs.org/docs/expressions/security.html): a private instance whose expression-reaching functions are
 * overridden to throw, while we keep our own reference to the parser. What cannot be overridden without breaking
 * mathjs itself (config, typed, the event emitter) is refused by name before evaluation, as are assignments.
 */
import { all, create, type MathNode } from 'mathjs';

export interface CalculationResult {
  expression: string;
  /** Formatted with up to 10 significant digits, e.g. "345" or "0.3333333333"; complex numbers, units and matrices too. */
  result: string;
  /** The numeric value when the result is a real, finite number, else null. */
  value: number | null;
  /** "15 * 23 = 345" */
  text: string;
}

/** The expression cannot be calculated (empty, malformed, unknown name, not finite, ...); the message says why. */
export class CalculatorInputError extends Error {
  override name = 'CalculatorInputError';
}

export const MAX_EXPRESSION_LENGTH = 500;

// mathjs's typings declare `all` as possibly undefined (noUncheckedIndexedAccess); at run time it is always there.
const math = create(all!);
// Private references, taken before the instance's own copies are disabled below.
const parse = math.parse;
const format = math.format;

class DisabledFunctionError extends Error {}

/** Functions that parse or evaluate further expressions, or change the instance: replaced by throwers. */
const disabled = [
  'import',
  'createUnit',
  'reviver',
  'replacer',
  'evaluate',
  'parse',
  'parser',
  'compile',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'derivative',
  'resolve',
  'rationalize',
  'symbolicEqual',
  'leafCount',
  'help',
];
math.import(
  Object.fromEntries(
    disabled.map((fn) => [
      fn,
      () => {
        throw new DisabledFunctionError(`the function ${fn} is not available in the calculator`);
      },
    ]),
  ),
  { override: true },
);

/**
 * Names refused wherever they appear (a call, or a function passed as an argument): mathjs internals that cannot be
 * overridden, the disabled functions again, and functions whose cost has no bound (huge matrices, arbitrary precision).
 */
const forbidden = new Set([
  ...disabled,
  'config',
  'typed',
  'on',
  'off',
  'once',
  'emit',
  'create',
  'factory',
  'chain',
  'zeros',
  'ones',
  'identity',
  'range',
  'resize',
  'bignumber',
  'bigint',
  'fraction',
]);

/** "15 x 23", "15×23", "10 ÷ 4": `x` or `X` counts as a multiplication only between operands, so hex like 0x1F keeps working. */
function normalize(expression: string): string {
  return expression
    .replace(/×/g, '*')
    .replace(/÷/g, '/')
    .replace(
      /(?<![A-Za-z_\d])(0x[0-9a-fA-F]+)|([\d.)%!]\s*)[xX](?=\s*[\d.(])/g,
      (_match, hex: string | undefined, left: string) => hex ?? `${left}*`,
    );
}

function check(node: MathNode, expression: string): void {
  if (node.type === 'BlockNode')
    throw new CalculatorInputError(`"${expression}" holds several expressions; give one at a time`);
  node.traverse((n) => {
    if (n.type === 'AssignmentNode' || n.type === 'FunctionAssignmentNode') {
      throw new CalculatorInputError(
        `"${expression}" assigns a variable or function; the calculator only evaluates expressions`,
      );
    }
    if (n.type === 'RangeNode')
      throw new CalculatorInputError(`"${expression}" uses a range (a:b), which the calculator does not support`);
    // Every name is a SymbolNode (a call's too), so a forbidden function cannot be passed around either: map(x, config).
    const name = (n as MathNode & { name?: unknown }).name;
    if (n.type === 'SymbolNode' && typeof name === 'string' && forbidden.has(name)) {
      throw new CalculatorInputError(`the function ${name} is not available in the calculator`);
    }
  });
}

function describeFailure(err: unknown, expression: string): CalculatorInputError {
  if (err instanceof CalculatorInputError) return err;
  if (err instanceof DisabledFunctionError) return new CalculatorInputError(err.message);
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Undefined (symbol|function) (.+)$/.exec(message);
  if (unknown) return new CalculatorInputError(`unknown ${unknown[1]} "${unknown[2]}" in "${expression}"`);
  if (err instanceof SyntaxError)
    return new CalculatorInputError(`"${expression}" is not a valid expression: ${message}`);
  return new CalculatorInputError(`cannot calculate "${expression}": ${message}`);
}

export function calculate(input: string): CalculationResult {
  const expression = typeof input === 'string' ? input.trim() : '';
  if (expression === '') throw new CalculatorInputError('the expression is empty');
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorInputError(
      `the expression is too long (${expression.length} characters; at most ${MAX_EXPRESSION_LENGTH})`,
    );
  }
  let outcome: unknown;
  try {
    const node = parse(normalize(expression));
    check(node, expression);
    // A fresh empty scope each time: nothing one call does can be seen by the next.
    outcome = node.compile().evaluate(new Map());
  } catch (err) {
    throw describeFailure(err, expression);
  }
  const { result, value } = present(outcome, expression);
  return { expression, result, value, text: `${expression} = ${result}` };
}

function present(outcome: unknown, expression: string): { result: string; value: number | null } {
  if (typeof outcome === 'function' || outcome === undefined || outcome === null) {
    throw new CalculatorInputError(`"${expression}" does not calculate to a value`);
  }
  if (typeof outcome === 'number') {
    if (!Number.isFinite(outcome))
      throw new CalculatorInputError(`"${expression}" is not a finite number (${format(outcome)})`);
    return { result: format(outcome, { precision: 10 }), value: outcome };
  }
  if (math.isComplex(outcome) && !(Number.isFinite(outcome.re) && Number.isFinite(outcome.im))) {
    throw new CalculatorInputError(`"${expression}" is not a finite number (${format(outcome)})`);
  }
  // Complex numbers, units, matrices, booleans, strings: shown, but no single real value to hand back.
  return { result: format(outcome, { precision: 10 }), value: null };
}
