/**
 * The planner's pattern matching is linear in the input: long runs of whitespace (and digits or words next to them)
 * once made the clause splitter, the expression tokenizer, the number finder and the follow-up trimming quadratic,
 * seconds of CPU for an 8,000-character message. Each case below is a quarter of a million characters: linear code
 * plans it in well under a second, the quadratic code runs for minutes, far past the test timeout. This checks that
 * the work can finish, not how fast it is.
 */
import type { SerializedTool } from '@openai/agents-core';
import { describe, expect, it } from 'vitest';
import { OfflinePlannerModel } from '../index';
import { MAX_USER_TEXT_CHARS } from './conversation';
import { findIpv4, findSubject } from './entities';
import { findExpression } from './expression';
import { findNumbers } from './numbers';
import { Planner } from './plan';
import { toolSpecs } from './tool-spec';
import { MAX_MESSAGE_CHARS } from '../../orchestrator/contract/conversation';

const RUN = 250_000;
const spaces = ' '.repeat(RUN);
const mixedSpace = ' \t\n'.repeat(RUN / 3);

type FunctionTool = Extract<SerializedTool, { type: 'function' }>;
const tool = (name: string, description: string, property: string, type: string, about: string): FunctionTool => ({
  type: 'function',
  name,
  description,
  parameters: {
    type: 'object',
    properties: { [property]: { type, description: about } },
    required: [property],
    additionalProperties: false,
  },
  strict: false,
});
const tools: SerializedTool[] = [
  tool('calculate', 'Evaluate an arithmetic expression', 'expression', 'string', 'The expression, e.g. 2 * (3 + 4)'),
  tool('get_stock_price', 'Get the current stock price for a ticker symbol', 'symbol', 'string', 'Ticker, e.g. AAPL'),
  tool('track_ip', 'Track the current public IP address', 'note', 'string', 'Why it is tracked'),
];
const planner = new Planner(toolSpecs(tools));

describe('offline planner: long runs of whitespace', () => {
  it('splits clauses across a long run', () => {
    expect(planner.plan(`what is the stock price${spaces}of AAPL${spaces}and${spaces}calculate 2 + 3`)).toEqual([
      { name: 'get_stock_price', args: { symbol: 'AAPL' } },
      { name: 'calculate', args: { expression: '2 + 3' } },
    ]);
  });

  it('plans nothing from whitespace between two words, or after a separator', () => {
    for (const text of [`a${spaces}b`, `x,${mixedSpace}z`, `price;${spaces}`, `AAPL and${spaces}`]) {
      expect(planner.plan(text)).toEqual([]);
    }
  });

  it('reads an elliptical follow-up padded with whitespace', () => {
    const previous = [{ name: 'get_stock_price', args: { symbol: 'AAPL' } }];
    expect(planner.plan(`and${spaces}MSFT${spaces}?${spaces}`, previous)).toEqual([
      { name: 'get_stock_price', args: { symbol: 'MSFT' } },
    ]);
    expect(planner.plan(`what about${mixedSpace}.`, previous)).toEqual([]);
  });

  it('tokenizes an expression across a long run, and finds none where there is none', () => {
    expect(findExpression(`calculate 2 +${spaces}3`)).toBe('2 + 3');
    expect(findExpression(`1${spaces}z`)).toBeUndefined();
    expect(findExpression(`${mixedSpace}x`)).toBeUndefined();
  });

  it('finds the free text of a request, and an IPv4 address, across long runs', () => {
    expect(findSubject(`file an issue about${spaces}the VPN`)).toBe('the VPN');
    expect(findSubject(`what${spaces}about${spaces}x`)).toBeUndefined();
    expect(findSubject(`that${spaces}`.repeat(3))).toBeUndefined();
    expect(findIpv4(`${'1.'.repeat(RUN / 2)} 10.0.0.5`)).toBe('10.0.0.5');
  });

  it('finds a number and its unit across a long run', () => {
    expect(findNumbers(`10${spaces}z`)).toMatchObject([{ value: 10 }]);
    expect(findNumbers(`10 -${spaces}years`)).toMatchObject([{ value: 10, unit: 'year' }]);
  });
});

describe('offline model: bounded input', () => {
  const model = new OfflinePlannerModel();
  const ask = (text: string) =>
    model.getResponse({
      input: [{ role: 'user', content: text }],
      tools,
      modelSettings: {},
      outputType: 'text',
      handoffs: [],
      tracing: false,
    });

  it('reads a whole message of the orchestrator’s largest size', () => {
    expect(MAX_USER_TEXT_CHARS).toBeGreaterThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it(`reads no further than ${MAX_USER_TEXT_CHARS} characters of the latest message`, async () => {
    const request = 'AAPL stock price';
    const within = await ask(`${'x '.repeat((MAX_USER_TEXT_CHARS - request.length) / 2)}${request}`);
    expect(within.providerData).toMatchObject({ phase: 'plan' });
    const beyond = await ask(`${'x '.repeat(MAX_USER_TEXT_CHARS / 2)}${request}`);
    expect(beyond.providerData).toMatchObject({ phase: 'cannot-help' });
  });
});
