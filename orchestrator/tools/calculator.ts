/**
 * The orchestrator's calculator: arithmetic through mathjs, never eval. An expression is parsed, and its tree is
 * walked against allow-lists (the operators, functions, constants and node kinds a calculator needs; units by name)
 * before anything runs. Every allowed function is called through a guard that bounds its arguments and its result
 * (matrix sizes, factorial and combinatorics arguments, matrix powers), so an allowed expression cannot run long.
 * This is pure and synchronous; the worker runs it in a worker thread with time and memory limits as well
 * (isolated-calculator.ts), because bounds written by hand can miss a case.
 */
import { all, create, type MathNode } from 'mathjs';
import { CalculatorInputError, type CalculationResult } from './calculator-result';

export { CalculatorInputError, type CalculationResult };

export const MAX_EXPRESSION_LENGTH = 500;
/** Elements of any matrix an evaluation holds (a 100 × 100 matrix). */
export const MAX_MATRIX_ELEMENTS = 10_000;
/** Product of the element counts of one call's matrix arguments: bounds a matrix product's work and broadcasting's output. */
export const MAX_MATRIX_WORK = 1_000_000;
/** 171! is not a finite number. */
export const MAX_FACTORIAL = 170;
/** combinations(n, k) loops min(k, n − k) times; beyond ~515 the answer is not a finite number anyway. */
export const MAX_COMBINATIONS_STEPS = 1_000;
/** A matrix to the power k costs about 2·log2(k) matrix products. */
export const MAX_MATRIX_POWER = 1_000;
/** Characters of the formatted result: the answer goes into the conversation's history. */
export const MAX_RESULT_LENGTH = 2_000;

// mathjs's typings declare `all` as possibly undefined (noUncheckedIndexedAccess); at run time it is always there.
const math = create(all!);
const parse = math.parse;
const format = math.format;

/** Operators by mathjs's function name (`OperatorNode.fn`): arithmetic, percentages, factorial, transpose, unit conversion. */
const operators = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'factorial',
  'dotMultiply',
  'dotDivide',
  'dotPow',
  'ctranspose',
  'transpose',
  'to',
]);

/** Functions a caller may name. Each is O(1) on numbers, or bounded by the guards below on matrices and integers. */
const functions = new Set([
  'abs',
  'sqrt',
  'cbrt',
  'nthRoot',
  'exp',
  'expm1',
  'log',
  'log10',
  'log2',
  'log1p',
  'pow',
  'mod',
  'sign',
  'round',
  'floor',
  'ceil',
  'fix',
  'gcd',
  'lcm',
  'hypot',
  'factorial',
  'combinations',
  'permutations',
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'min',
  'max',
  'sum',
  'prod',
  'mean',
  'median',
  'std',
  'variance',
  're',
  'im',
  'conj',
  'arg',
  'transpose',
  'det',
  'inv',
  'dot',
  'cross',
  'to',
]);

const constants = new Set([
  'pi',
  'PI',
  'e',
  'E',
  'i',
  'tau',
  'phi',
  'LN2',
  'LN10',
  'LOG2E',
  'LOG10E',
  'SQRT2',
  'SQRT1_2',
]);

const offered = `the calculator's functions are ${[...functions].join(', ')}`;

function tooLarge(what: string): never {
  throw new CalculatorInputError(`too large to compute: ${what}`);
}

function elementCount(value: unknown): number {
  if (math.isMatrix(value)) return value.size().reduce((a: number, b: number) => a * b, 1);
  if (Array.isArray(value)) return value.reduce((n: number, v: unknown) => n + elementCount(v), 0);
  return 1;
}

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (math.isMatrix(value)) return numbersIn(value.toArray());
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  return [];
}

/** Integers past 2^53 cannot be counted up to: mathjs's loops from such an n to n + k would never end. */
function checkSafeIntegers(name: string, args: unknown[]): void {
  for (const n of args.flatMap(numbersIn)) {
    if (Math.abs(n) > Number.MAX_SAFE_INTEGER) tooLarge(`${name} of ${format(n)} (at most ${Number.MAX_SAFE_INTEGER})`);
  }
}

/** Bounds on argument values, for the functions whose cost grows with them. */
const argumentChecks: Partial<Record<string, (args: unknown[]) => void>> = {
  factorial([n]) {
    for (const x of numbersIn(n)) {
      if (x > MAX_FACTORIAL)
        tooLarge(`factorial of ${format(x)} (at most ${MAX_FACTORIAL}; larger ones are not finite)`);
    }
  },
  combinations(args) {
    checkSafeIntegers('combinations', args);
    const [n, k] = args;
    if (typeof n === 'number' && typeof k === 'number' && Math.min(k, n - k) > MAX_COMBINATIONS_STEPS) {
      tooLarge(
        `combinations(${format(n)}, ${format(k)}) (min(k, n - k) at most ${MAX_COMBINATIONS_STEPS}; larger ones are not finite)`,
      );
    }
  },
  permutations(args) {
    checkSafeIntegers('permutations', args);
    const [n, k] = args;
    const steps = typeof k === 'number' ? k : n;
    if (typeof steps === 'number' && steps > MAX_FACTORIAL) {
      tooLarge(`permutations of ${format(steps)} (at most ${MAX_FACTORIAL}; larger ones are not finite)`);
    }
  },
  pow([base, exponent]) {
    if (math.isMatrix(base) && typeof exponent === 'number' && Math.abs(exponent) > MAX_MATRIX_POWER) {
      tooLarge(`a matrix to the power ${format(exponent)} (at most ${MAX_MATRIX_POWER})`);
    }
  },
};

/** An allowed function behind its bounds: matrix work and sizes for all, argument values for some. */
function guarded(name: string): (...args: unknown[]) => unknown {
  const fn = (math as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
  const check = argumentChecks[name];
  return (...args: unknown[]) => {
    const counts = args.map(elementCount).filter((n) => n > 1);
    const work = counts.reduce((a, b) => a * b, 1);
    if (counts.some((n) => n > MAX_MATRIX_ELEMENTS) || work > MAX_MATRIX_WORK) {
      tooLarge(`${name} of matrices with ${counts.join(' and ')} elements (at most ${MAX_MATRIX_WORK} element pairs)`);
    }
    check?.(args);
    const result = fn(...args);
    const size = elementCount(result);
    if (size > MAX_MATRIX_ELEMENTS)
      tooLarge(`${name} makes a matrix of ${size} elements (at most ${MAX_MATRIX_ELEMENTS})`);
    return result;
  };
}

/**
 * The guarded functions, as the scope of every evaluation: mathjs looks a called name up in the scope before its own
 * namespace, and operators are rewritten into calls (below), so every operation goes through a guard.
 */
const guards: ReadonlyArray<readonly [string, (...args: unknown[]) => unknown]> = [
  ...new Set([...operators, ...functions]),
].map((name) => [name, guarded(name)] as const);

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

type Named = MathNode & { name?: unknown; fn?: unknown; op?: unknown; value?: unknown };

/** Refuses anything not on the allow-lists, naming it; the first offender in reading order wins. */
function check(root: MathNode, expression: string): void {
  if (root.type === 'BlockNode')
    throw new CalculatorInputError(`"${expression}" holds several expressions; give one at a time`);
  root.traverse((node, path, parent) => {
    const n = node as Named;
    switch (n.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number')
          throw new CalculatorInputError(
            `"${expression}" holds ${JSON.stringify(n.value)}; the calculator takes numbers`,
          );
        return;
      case 'ParenthesisNode':
      case 'ArrayNode':
        return;
      case 'OperatorNode':
        if (typeof n.fn !== 'string' || !operators.has(n.fn))
          throw new CalculatorInputError(`the operator ${String(n.op)} is not available in the calculator`);
        return;
      case 'FunctionNode':
        if ((n.fn as MathNode).type !== 'SymbolNode')
          throw new CalculatorInputError(`"${expression}" calls something that is not a function name`);
        return;
      case 'SymbolNode': {
        const name = String(n.name);
        if (parent?.type === 'FunctionNode' && path === 'fn') {
          if (functions.has(name)) return;
          if (name in math)
            throw new CalculatorInputError(`the function ${name} is not available in the calculator; ${offered}`);
          throw new CalculatorInputError(`unknown function "${name}" in "${expression}"; ${offered}`);
        }
        if (constants.has(name) || (!(name in math) && math.Unit.isValuelessUnit(name))) return;
        if (functions.has(name) || name in math)
          throw new CalculatorInputError(`the name ${name} is not available in the calculator as a value`);
        throw new CalculatorInputError(`unknown symbol "${name}" in "${expression}"`);
      }
      case 'AssignmentNode':
      case 'FunctionAssignmentNode':
        throw new CalculatorInputError(
          `"${expression}" assigns a variable or function; the calculator only evaluates expressions`,
        );
      case 'RangeNode':
        throw new CalculatorInputError(`"${expression}" uses a range (a:b), which the calculator does not support`);
      case 'AccessorNode':
      case 'IndexNode':
        throw new CalculatorInputError(
          `"${expression}" uses indexing or a property, which the calculator does not support`,
        );
      default:
        throw new CalculatorInputError(`"${expression}" uses ${n.type}, which the calculator does not support`);
    }
  });
}

/** Operators become calls by name, so the scope's guarded functions run them. */
function throughGuards(root: MathNode): MathNode {
  return root.transform((node) => {
    const n = node as Named;
    if (n.type !== 'OperatorNode') return node;
    const op = node as unknown as { fn: string; args: MathNode[] };
    return new math.FunctionNode(new math.SymbolNode(op.fn), op.args.map(throughGuards));
  });
}

function describeFailure(err: unknown, expression: string): CalculatorInputError {
  if (err instanceof CalculatorInputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError && /call stack/i.test(message)) {
    return new CalculatorInputError(`too large to compute: "${expression}" is nested too deeply`);
  }
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
    // A fresh scope each time, holding only the guards: nothing one call does can be seen by the next.
    outcome = throughGuards(node).compile().evaluate(new Map(guards));
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
  // Complex numbers, units, matrices: shown, but no single real value to hand back.
  const result = format(outcome, { precision: 10 });
  if (result.length > MAX_RESULT_LENGTH) {
    tooLarge(`the result of "${expression}" has ${result.length} characters (at most ${MAX_RESULT_LENGTH})`);
  }
  return { result, value: null };
}
