import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculate, CalculatorInputError } from '../../orchestrator/tools/calculator';
import { calculatorThreadLimits, IsolatedCalculator } from '../../orchestrator/tools/isolated-calculator';
import { ThreadLimitError } from '../../orchestrator/tools/limited-thread';

function refusal(expression: string): CalculatorInputError {
  try {
    calculate(expression);
  } catch (err) {
    expect(err).toBeInstanceOf(CalculatorInputError);
    return err as CalculatorInputError;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be refused`);
}

describe('calculate', () => {
  it('answers with the expression, the formatted result, the value and a line of text', () => {
    expect(calculate('15 * 23')).toEqual({ expression: '15 * 23', result: '345', value: 345, text: '15 * 23 = 345' });
  });

  it.each([
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 2 - 3', 5],
    ['sqrt(144)', 12],
    ['2^10', 1024],
    ['0.5 + 0.25', 0.75],
    ['1.5 * 4', 6],
    ['10 / 4', 2.5],
    ['-3^2', -9],
    ['50%', 0.5],
    ['10 % 3', 1],
  ])('%s = %d', (expression, value) => {
    expect(calculate(expression).value).toBe(value);
  });

  it('keeps up to 10 significant digits', () => {
    expect(calculate('1/3')).toMatchObject({ result: '0.3333333333', text: '1/3 = 0.3333333333' });
    expect(calculate('0.1 + 0.2').result).toBe('0.3');
  });

  it('reads x, × and ÷ as people type them, without breaking hex numbers', () => {
    expect(calculate('15 x 23').value).toBe(345);
    expect(calculate('15x23').value).toBe(345);
    expect(calculate('(2 + 3) X 4').value).toBe(20);
    expect(calculate('7 × 6').value).toBe(42);
    expect(calculate('10 ÷ 4').value).toBe(2.5);
    expect(calculate('0x1F').value).toBe(31);
  });

  it('trims the input', () => {
    expect(calculate('  1 + 1 \n')).toMatchObject({ expression: '1 + 1', text: '1 + 1 = 2' });
  });

  it('shows complex numbers, units and matrices, with no single value', () => {
    expect(calculate('sqrt(-4)')).toMatchObject({ result: '2i', value: null });
    expect(calculate('5 cm + 2 inch')).toMatchObject({ result: '10.08 cm', value: null });
    expect(calculate('[1, 2] * 2')).toMatchObject({ result: '[2, 4]', value: null });
  });

  it('refuses empty and overlong input, naming the problem', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('   ').message).toMatch(/empty/);
    expect(refusal('1+'.repeat(250) + '1').message).toMatch(/too long \(501 characters; at most 500\)/);
    expect(calculate('1+'.repeat(249) + '1').value).toBe(250);
  });

  it('refuses syntax errors with mathjs message', () => {
    expect(refusal('1 +').message).toMatch(/"1 \+" is not a valid expression: Unexpected end of expression/);
    expect(refusal('(2 + 3').message).toMatch(/not a valid expression: Parenthesis \) expected/);
  });

  it('names an unknown symbol or function', () => {
    expect(refusal('foo + 1').message).toBe('unknown symbol "foo" in "foo + 1"');
    expect(refusal('bar(2)').message).toMatch(
      /^unknown function "bar" in "bar\(2\)"; the calculator's functions are abs, sqrt/,
    );
  });

  it('refuses results that are not finite numbers', () => {
    expect(refusal('1 / 0').message).toBe('"1 / 0" is not a finite number (Infinity)');
    expect(refusal('-1 / 0').message).toMatch(/is not a finite number \(-Infinity\)/);
    expect(refusal('0 / 0').message).toMatch(/is not a finite number \(NaN\)/);
  });

  it('refuses assignments, and nothing leaks from one call to the next', () => {
    expect(refusal('a = 3').message).toMatch(/assigns a variable/);
    expect(refusal('f(x) = x^2').message).toMatch(/assigns a variable or function/);
    expect(refusal('(b = 2) + b').message).toMatch(/assigns a variable/);
    expect(refusal('a + 1').message).toBe('unknown symbol "a" in "a + 1"');
    expect(refusal('1 + 1; 2 + 2').message).toMatch(/several expressions/);
  });

  it.each([
    'import({}, {})',
    'evaluate("1+1")',
    'createUnit("foo")',
    'parse("1+1")',
    'compile("1+1")',
    'simplify("x + x")',
    'derivative("x^2", "x")',
    'resolve("x", {})',
    'config({number: "BigNumber"})',
    'map([1], config)',
    'typed("f", {})',
    'zeros(10000, 10000)',
    '1:100000000',
  ])('refuses %s', (expression) => {
    expect(refusal(expression).message).toMatch(/not available in the calculator|does not support/);
  });

  it('a refused config change leaves the calculator as it was', () => {
    refusal('config({number: "BigNumber"})');
    expect(calculate('0.1 + 0.2').result).toBe('0.3');
  });

  it.each([
    'sqrt',
    'cos.constructor',
    '"a" + 1',
    '[1, 2] + [1, 2, 3]',
    'sqrt(1, 2, 3)',
    '#',
    '2 +* 3',
    'x',
    'complex(Infinity, 1)',
  ])('bad input %s is a CalculatorInputError and nothing else', (expression) => {
    refusal(expression);
  });
});

/** A matrix literal of n ones: a row ([[1, …]]) or a plain vector ([1, …]). */
const ones = (n: number, row = true) => (row ? `[[${Array(n).fill(1).join(',')}]]` : `[${Array(n).fill(1).join(',')}]`);

describe('calculate: only what a calculator needs, within bounds', () => {
  it.each([
    ['sin(pi / 2)', 1],
    ['cos(0) + tan(0)', 1],
    ['asin(1) * 2', Math.PI],
    ['atan2(1, 1) * 4', Math.PI],
    ['log(e)', 1],
    ['log(8, 2)', 3],
    ['log10(1000) + log2(8)', 6],
    ['exp(0)', 1],
    ['sqrt(16) + cbrt(27)', 7],
    ['abs(-5)', 5],
    ['round(2.567, 2)', 2.57],
    ['floor(2.7) + ceil(2.1)', 5],
    ['min(4, 2, 8) + max(4, 2, 8)', 10],
    ['mean([1, 2, 3, 4])', 2.5],
    ['median(3, 1, 2)', 2],
    ['5!', 120],
    ['sum(factorial([1, 2, 3]))', 9],
    ['combinations(10, 3)', 120],
    ['combinations(1e9, 2)', 499999999500000000],
    ['permutations(5, 2)', 20],
    ['200 + 10%', 220],
    ['2 pi', 2 * Math.PI],
    ['gcd(12, 18) * lcm(2, 3)', 36],
    ['det([[1, 2], [3, 4]])', -2],
    [`sum(${ones(100)}' * ${ones(100)})`, 10_000],
  ])('%s', (expression, value) => {
    expect(calculate(expression).value).toBeCloseTo(value, 6);
  });

  it('converts units and raises matrices to small powers', () => {
    expect(calculate('5 cm to inch').result).toBe('1.968503937 inch');
    expect(calculate('[[1, 1], [1, 0]]^10').result).toBe('[[89, 55], [55, 34]]');
    expect(calculate('170!').result).toBe('7.257415615e+306');
  });

  it('refuses the two expressions of issue 26, at once and saying why', () => {
    expect(refusal('combinations(1e9, 5e8)').message).toBe(
      'too large to compute: combinations(1e+9, 5e+8) (min(k, n - k) at most 1000; larger ones are not finite)',
    );
    expect(refusal('size(random([25000,25000]))').message).toMatch(
      /^the function size is not available in the calculator; the calculator's functions are abs, /,
    );
    expect(refusal('random([25000,25000])').message).toMatch(/^the function random is not available/);
  });

  it.each([
    ['171!', /^too large to compute: factorial of 171 \(at most 170/],
    ['factorial(1e9)', /^too large to compute: factorial of 1e\+9/],
    ['[1, 2, 171]!', /^too large to compute: factorial of 171 /],
    ['permutations(1e9)', /^too large to compute: permutations of 1e\+9 \(at most 170/],
    ['permutations(1e9, 5e8)', /^too large to compute: permutations of 5e\+8/],
    // Past 2^53 a counting loop never ends (n + 1 === n).
    ['combinations(1e300, 2)', /^too large to compute: combinations of 1e\+300 \(at most 9007199254740991\)/],
    ['[[1, 1], [1, 0]]^5000', /^too large to compute: a matrix to the power 5000 \(at most 1000\)/],
    [
      `${ones(101)}' * ${ones(101)}`,
      /^too large to compute: multiply makes a matrix of 10201 elements \(at most 10000\)/,
    ],
    [
      `(${ones(50)}' * ${ones(50)}) * (${ones(50)}' * ${ones(50)})`,
      /^too large to compute: multiply of matrices with 2500 and 2500 elements \(at most 1000000 element pairs\)/,
    ],
    [`${ones(100)}' * ${ones(100)}`, /^too large to compute: the result of .* has \d+ characters \(at most 2000\)/],
  ])('bounds %s', (expression, message) => {
    expect(refusal(expression).message).toMatch(message);
  });

  it.each([
    'random()',
    'size([1, 2])',
    'ones(3)',
    'map([1, 4], sqrt)',
    'forEach([1], sqrt)',
    'bignumber(1)',
    'format(1)',
    'print("$a", {a: 1})',
    'isPrime(7)',
    'kron([1, 2], [3, 4])',
    'sqrt(pi(2))',
  ])('refuses %s: a function outside the allow-list', (expression) => {
    expect(refusal(expression).message).toMatch(/^the function \w+ is not available in the calculator; /);
  });

  it.each([
    ['1 < 2', /^the operator < is not available/],
    ['5 & 3', /^the operator & is not available/],
    ['not 1', /^the operator not is not available/],
    ['true', /holds true; the calculator takes numbers/],
    ['1 ? 2 : 3', /uses ConditionalNode, which the calculator does not support/],
    [`${ones(3, false)}[2]`, /uses indexing or a property/],
    ['{a: 1}', /uses ObjectNode/],
    ['sqrt + 1', /the name sqrt is not available in the calculator as a value/],
  ])('refuses %s: an operator or a construct outside the allow-list', (expression, message) => {
    expect(refusal(expression).message).toMatch(message);
  });
});

/** The CalculatorInputError a threaded calculation is refused with. */
async function threadRefusal(calculator: IsolatedCalculator, expression: string): Promise<string> {
  const err: unknown = await calculator.calculate(expression).then(
    () => new Error(`expected ${JSON.stringify(expression)} to be refused`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CalculatorInputError);
  return (err as Error).message;
}

describe('IsolatedCalculator: the calculator in a worker thread', () => {
  let calculator: IsolatedCalculator;
  beforeAll(() => {
    calculator = new IsolatedCalculator();
    calculator.start();
  });
  afterAll(() => calculator?.close());

  it('answers, and refuses the expressions of issue 26 with a message the model can read', async () => {
    expect(await calculator.calculate('15 * 23')).toEqual({
      expression: '15 * 23',
      result: '345',
      value: 345,
      text: '15 * 23 = 345',
    });
    expect(await threadRefusal(calculator, 'combinations(1e9, 5e8)')).toMatch(/^too large to compute: combinations/);
    expect(await threadRefusal(calculator, 'size(random([25000,25000]))')).toMatch(
      /^the function size is not available/,
    );
    expect((await calculator.calculate('5 cm + 2 inch')).result).toBe('10.08 cm');
  });
});

describe('the calculator thread at its limits', () => {
  // The calculator's handler plus requests that break the limits on purpose (the bounds stop every real expression).
  const unruly = new URL('./fixtures/unruly-calculator-thread.ts', import.meta.url);

  it(
    'past the time limit: refused, the thread replaced, and the next calculation answers',
    { timeout: 180_000 },
    async () => {
      const calculator = new IsolatedCalculator({ ...calculatorThreadLimits, timeoutMs: 1000 }, unruly);
      try {
        expect(await threadRefusal(calculator, 'spin for a minute')).toBe(
          `too large to compute: "spin for a minute" took longer than 1000 ms, the calculator's time limit`,
        );
        expect((await calculator.calculate('6 * 7')).value).toBe(42);
      } finally {
        await calculator.close();
      }
    },
  );

  it(
    'past the memory limit: refused, the thread replaced, and the next calculation answers',
    { timeout: 180_000 },
    async () => {
      // Time enough for the heap to fill on a busy machine: the memory limit is what must stop it.
      const limits = { ...calculatorThreadLimits, timeoutMs: 120_000, maxOldGenerationSizeMb: 96 };
      const calculator = new IsolatedCalculator(limits, unruly);
      try {
        expect(await threadRefusal(calculator, 'hold 512 MB')).toBe(
          `too large to compute: "hold 512 MB" needed more than 96 MB of memory, the calculator's memory limit`,
        );
        expect((await calculator.calculate('6 * 7')).value).toBe(42);
      } finally {
        await calculator.close();
      }
    },
  );

  it('bounds the requests that wait, and refuses all once closed', { timeout: 180_000 }, async () => {
    const calculator = new IsolatedCalculator({ ...calculatorThreadLimits, maxQueued: 1 }, unruly);
    const first = calculator.calculate('1 + 1'); // waits for the thread to start
    await expect(calculator.calculate('2 + 2')).rejects.toMatchObject({ limit: 'busy' });
    expect((await first).value).toBe(2);
    const spinning = calculator.calculate('spin for a minute').then(
      () => undefined,
      (err: unknown) => err,
    );
    await calculator.close();
    const stopped = await spinning;
    expect(stopped).toBeInstanceOf(ThreadLimitError);
    expect(stopped).toMatchObject({ limit: 'unavailable' });
    await expect(calculator.calculate('3 + 3')).rejects.toMatchObject({ limit: 'unavailable' });
  });
});
