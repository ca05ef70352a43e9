import { describe, expect, it } from 'vitest';
import { calculate, CalculatorInputError } from '../../orchestrator/tools/calculator';

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
    expect(refusal('bar(2)').message).toBe('unknown function "bar" in "bar(2)"');
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
