/**
 * The offline planner through its `Model` interface only: realistic requests in (the real tool schemas, whole
 * conversations), function calls or assistant messages out.
 */
import type { AgentInputItem, ModelRequest, ModelResponse, SerializedTool, StreamEvent } from '@openai/agents-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OFFLINE_MODEL_NAME, OfflinePlannerModel, OfflinePlannerProvider } from './index';
import type { AnyToolDefinition } from '../shared/tools/definition';
import { itSessionContract } from '../orchestrator/contract/conversation';
import { toolParameters } from '../orchestrator/tool-bridge/parameters';
import { calculatorTool } from '../orchestrator/tools/calculator-tool';
import type { LocalToolSpec } from '../orchestrator/tools/local-tool';
import { weatherTool } from '../orchestrator/tools/weather/tool';
import { calculateRoiTool, stockPriceTool } from '../tool-workers/finance/tools';
import {
  createJiraIssueTool,
  getIpHistoryTool,
  getIpTool,
  getJiraMetricsTool,
  setJiraProjectTool,
  trackIpTool,
} from '../tool-workers/it/tools';

// ---------------------------------------------------------------------------------------------------------------
// The real tool set, from the same definitions the servers and the orchestrator use: the local tools' specs, and the
// remote tools' definitions as the orchestrator offers them (`session_id` hidden; `close_session` kept to itself).

type FunctionToolDef = Extract<SerializedTool, { type: 'function' }>;

const fn = (name: string, description: string, parameters: unknown): FunctionToolDef => ({
  type: 'function',
  name,
  description,
  parameters: parameters as FunctionToolDef['parameters'],
  strict: false,
});
const local = (spec: LocalToolSpec) => fn(spec.name, spec.description, spec.parameters);
const remote = (tool: AnyToolDefinition) =>
  fn(
    tool.name,
    tool.description,
    toolParameters(z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>, [
      itSessionContract.handleArgument,
    ]),
  );

const calculator = local(calculatorTool);
const weather = local(weatherTool);
const stockPrice = remote(stockPriceTool);
const calculateRoi = remote(calculateRoiTool);
const setJiraProject = remote(setJiraProjectTool);
const getJiraMetrics = remote(getJiraMetricsTool);
const trackIp = remote(trackIpTool);
const getIpHistory = remote(getIpHistoryTool);
const getIp = remote(getIpTool);
// Offered, so that the questions below show it never takes another tool's place.
const createJiraIssue = remote(createJiraIssueTool);

const ALL_TOOLS: SerializedTool[] = [
  calculator,
  weather,
  stockPrice,
  calculateRoi,
  setJiraProject,
  getJiraMetrics,
  trackIp,
  getIpHistory,
  getIp,
  createJiraIssue,
];

// ---------------------------------------------------------------------------------------------------------------
// Requests and conversations.

const model = new OfflinePlannerModel();

function request(
  input: string | AgentInputItem[],
  options: { tools?: SerializedTool[]; systemInstructions?: string } = {},
): ModelRequest {
  return {
    input,
    tools: options.tools ?? ALL_TOOLS,
    ...(options.systemInstructions !== undefined ? { systemInstructions: options.systemInstructions } : {}),
    modelSettings: {},
    outputType: 'text',
    handoffs: [],
    tracing: false,
  };
}

const user = (text: string): AgentInputItem => ({ role: 'user', content: text });
const userParts = (text: string): AgentInputItem => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});
const call = (name: string, args: object, callId: string): AgentInputItem => ({
  type: 'function_call',
  callId,
  name,
  arguments: JSON.stringify(args),
  status: 'completed',
});
const result = (name: string, callId: string, output: string | { type: 'text'; text: string }): AgentInputItem => ({
  type: 'function_call_result',
  name,
  callId,
  status: 'completed',
  output,
});
/** How the SDK records an MCP tool's single text content. */
const mcpResult = (name: string, callId: string, text: string): AgentInputItem =>
  ({
    type: 'function_call_result',
    name,
    callId,
    status: 'completed',
    output: [{ type: 'input_text', text }],
  }) as AgentInputItem;
const assistant = (text: string): AgentInputItem => ({
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text }],
});

interface Call {
  name: string;
  args: unknown;
  callId: string;
}

function callsOf(response: ModelResponse): Call[] {
  return response.output.map((item) => {
    if (item.type !== 'function_call') throw new Error(`expected function calls, got ${JSON.stringify(item)}`);
    expect(item.status).toBe('completed');
    return { name: item.name, args: JSON.parse(item.arguments) as unknown, callId: item.callId };
  });
}

function textOf(response: ModelResponse): string {
  expect(response.output).toHaveLength(1);
  const [item] = response.output;
  if (item?.type !== 'message' || item.role !== 'assistant')
    throw new Error(`expected an assistant message, got ${JSON.stringify(item)}`);
  expect(item.status).toBe('completed');
  return item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('');
}

/** The calls planned for a one-message request; [] when the planner answers in words instead. */
async function plan(text: string, tools?: SerializedTool[]): Promise<Array<{ name: string; args: unknown }>> {
  const response = await model.getResponse(request(text, tools ? { tools } : {}));
  if (response.output.length === 1 && response.output[0]?.type === 'message') return [];
  return callsOf(response).map(({ name, args }) => ({ name, args }));
}

async function answer(
  input: string | AgentInputItem[],
  options?: { tools?: SerializedTool[]; systemInstructions?: string },
) {
  return textOf(await model.getResponse(request(input, options)));
}

// ---------------------------------------------------------------------------------------------------------------

describe('offline planner: the sample questions', () => {
  it.each([
    ['Calculate 15 * 23', 'calculator', { expression: '15 * 23' }],
    ["What's the weather in New York?", 'weather', { city: 'New York' }],
    ['What is my IP address?', 'get_ip', {}],
    ['What is the stock price of AAPL?', 'stock_price', { symbol: 'AAPL' }],
    [
      'Calculate the ROI for $10000 invested at 5% for 10 years',
      'calculate_roi',
      { principal: 10000, annual_rate: 0.05, years: 10 },
    ],
    ['Set the JIRA project to DEMO-123', 'set_jira_project', { project: 'DEMO-123' }],
    ['Get JIRA metrics', 'get_jira_metrics', {}],
    ['Track my IP address', 'track_ip', {}],
    ['Show me the IP history', 'get_ip_history', {}],
  ])('%s → %s', async (text, name, args) => {
    const response = await model.getResponse(request(text));
    expect(callsOf(response)).toEqual([{ name, args, callId: `call_1_0_${name}` }]);
    expect(response.providerData).toEqual({ model: 'offline', phase: 'plan' });
  });
});

describe('offline planner: rephrasings', () => {
  it.each([
    ["what's 2 plus 2 times 3", 'calculator', { expression: '2 + 2 * 3' }],
    ['What is the square root of 144?', 'calculator', { expression: 'sqrt(144)' }],
    ['compute (15 * 23) / 4 please', 'calculator', { expression: '(15 * 23) / 4' }],
    ['how much is 1,250 divided by 5', 'calculator', { expression: '1250 / 5' }],
    ['what is 15% of 200', 'calculator', { expression: '15% * 200' }],
    ['is it raining in paris', 'weather', { city: 'Paris' }],
    ['how hot is it in tokyo right now?', 'weather', { city: 'Tokyo' }],
    ['Give me the forecast for San Francisco', 'weather', { city: 'San Francisco' }],
    ["what's my public ip", 'get_ip', {}],
    ['show my current IP', 'get_ip', {}],
    ['how much is MSFT trading at?', 'stock_price', { symbol: 'MSFT' }],
    ['price of apple stock', 'stock_price', { symbol: 'AAPL' }],
    ['quote for tsla', 'stock_price', { symbol: 'TSLA' }],
    ['What are $NVDA shares worth today?', 'stock_price', { symbol: 'NVDA' }],
    ['What is BRK.B trading at', 'stock_price', { symbol: 'BRK.B' }],
    [
      'if I invest $5,000 at 7% for 20 years compounded monthly what do I get?',
      'calculate_roi',
      { principal: 5000, annual_rate: 0.07, years: 20, compounding: 'monthly' },
    ],
    [
      'What return do I get on 10k at 4.5 percent over 18 months?',
      'calculate_roi',
      { principal: 10000, annual_rate: 0.045, years: 1.5 },
    ],
    [
      'how much will 2.5m grow to in 30 years at 6% interest, compounded quarterly',
      'calculate_roi',
      {
        principal: 2_500_000,
        annual_rate: 0.06,
        years: 30,
        compounding: 'quarterly',
      },
    ],
    ['switch the jira project to OPS', 'set_jira_project', { project: 'OPS' }],
    ['change my project to web', 'set_jira_project', { project: 'WEB' }],
    ['use DEMO as the jira project', 'set_jira_project', { project: 'DEMO' }],
    ['set the project to DATA', 'set_jira_project', { project: 'DATA' }],
    ['Set project to data', 'set_jira_project', { project: 'DATA' }],
    ['Jira metrics for project DATA', 'get_jira_metrics', { project: 'DATA' }],
    ['how is project WEB doing in jira', 'get_jira_metrics', { project: 'WEB' }],
    ['Jira metrics for OPS', 'get_jira_metrics', { project: 'OPS' }],
    ['show me the jira stats', 'get_jira_metrics', {}],
    ['record my current ip', 'track_ip', {}],
    ['please log my IP', 'track_ip', {}],
    ['which IPs have I tracked?', 'get_ip_history', {}],
    ['list my previous IP addresses', 'get_ip_history', {}],
  ])('%s → %s', async (text, name, args) => {
    expect(await plan(text)).toEqual([{ name, args }]);
  });
});

describe('offline planner: chosen by the schemas, not by sample sentences', () => {
  const translate = fn('translate_text', 'Translates a piece of text into another language.', {
    type: 'object',
    properties: {
      text: { type: 'string', description: 'The text to translate' },
      target_language: {
        type: 'string',
        enum: ['french', 'german', 'spanish'],
        description: 'Language to translate into',
      },
      formal: { type: 'boolean', description: 'Use the formal register' },
    },
    required: ['text', 'target_language'],
  });
  const sessionTools = [
    fn('open_session', 'Opens a session for this user.', { type: 'object', properties: {} }),
    fn('get_session_weather', 'Weather for the city of this session.', {
      type: 'object',
      properties: { city: { type: 'string', description: 'City' } },
      required: ['city'],
    }),
    fn('get_session_quota', 'Remaining request quota of this session.', { type: 'object', properties: {} }),
  ];

  it('fills a quoted string and an enum of a tool it has never seen; optional arguments only when named', async () => {
    expect(await plan('please translate "good morning" into German', [...ALL_TOOLS, translate])).toEqual([
      { name: 'translate_text', args: { text: 'good morning', target_language: 'german' } },
    ]);
  });

  it('does not call a tool whose required arguments are missing from the text', async () => {
    expect(await plan('translate this please', [translate])).toEqual([]);
    expect(await plan('what is the weather like?')).toEqual([]);
  });

  it('weights words by rarity: a word every tool shares ("session") decides nothing', async () => {
    expect(await plan('how much quota does my session have left?', sessionTools)).toEqual([
      { name: 'get_session_quota', args: {} },
    ]);
    expect(await plan('session weather in Oslo', sessionTools)).toEqual([
      { name: 'get_session_weather', args: { city: 'Oslo' } },
    ]);
  });

  it('state-changing tools are called only when their action is asked for', async () => {
    // "Jira project OPS" names set_jira_project's words, but nothing asks to set it.
    expect(await plan('Jira project OPS numbers')).toEqual([{ name: 'get_jira_metrics', args: { project: 'OPS' } }]);
  });
});

describe('offline planner: follow-ups reuse the previous tool', () => {
  const stockExchange: AgentInputItem[] = [
    user('What is the stock price of AAPL?'),
    call('stock_price', { symbol: 'AAPL' }, 'call_1_0_stock_price'),
    result(
      'stock_price',
      'call_1_0_stock_price',
      'AAPL: 189.12 USD as of 2026-01-02T00:00:00Z (sample data)\n{"symbol":"AAPL"}',
    ),
    assistant('AAPL: 189.12 USD as of 2026-01-02T00:00:00Z (sample data)'),
  ];

  it('"and MSFT?" after a stock_price exchange asks stock_price again, with a call id unique in the conversation', async () => {
    const response = await model.getResponse(request([...stockExchange, user('and MSFT?')]));
    expect(callsOf(response)).toEqual([
      { name: 'stock_price', args: { symbol: 'MSFT' }, callId: 'call_5_0_stock_price' },
    ]);
    expect(callsOf(await model.getResponse(request([...stockExchange, user('what about nvidia?')])))).toMatchObject([
      { name: 'stock_price', args: { symbol: 'NVDA' } },
    ]);
    expect(callsOf(await model.getResponse(request([...stockExchange, user('and msft?')])))).toMatchObject([
      { name: 'stock_price', args: { symbol: 'MSFT' } },
    ]);
  });

  it('"and MSFT?" still finds the stock_price call when other tools ran after it', async () => {
    const later: AgentInputItem[] = [
      ...stockExchange,
      user('Track my IP address'),
      call('track_ip', {}, 'call_5_0_track_ip'),
      result('track_ip', 'call_5_0_track_ip', 'Tracked 192.0.2.2 (local-interface).'),
      assistant('Tracked 192.0.2.2 (local-interface).'),
      user('Show me the IP history'),
      call('get_ip_history', {}, 'call_9_0_get_ip_history'),
      result('get_ip_history', 'call_9_0_get_ip_history', 'IP history:\n1. 192.0.2.2'),
      assistant('IP history:\n1. 192.0.2.2'),
    ];
    expect(callsOf(await model.getResponse(request([...later, user('and MSFT?')])))).toMatchObject([
      { name: 'stock_price', args: { symbol: 'MSFT' } },
    ]);
  });

  it('"what about Paris?" after a weather call; "and for 20 years?" keeps the other ROI arguments', async () => {
    const weatherTurn = [
      user("What's the weather in New York?"),
      call('weather', { city: 'New York' }, 'call_1_0_weather'),
      result('weather', 'call_1_0_weather', 'New York: 21°C, clear'),
      assistant('New York: 21°C, clear'),
    ];
    expect(callsOf(await model.getResponse(request([...weatherTurn, user('what about Paris?')])))).toMatchObject([
      { name: 'weather', args: { city: 'Paris' } },
    ]);
    expect(callsOf(await model.getResponse(request([...weatherTurn, user('and in los angeles')])))).toMatchObject([
      { name: 'weather', args: { city: 'Los Angeles' } },
    ]);

    const roiTurn = [
      user('Calculate the ROI for $10000 invested at 5% for 10 years'),
      call('calculate_roi', { principal: 10000, annual_rate: 0.05, years: 10 }, 'call_1_0_calculate_roi'),
      result(
        'calculate_roi',
        'call_1_0_calculate_roi',
        '10,000.00 at 5.00% for 10 years, compounded yearly: final value 16,288.95',
      ),
      assistant('10,000.00 at 5.00% for 10 years, compounded yearly: final value 16,288.95'),
    ];
    expect(callsOf(await model.getResponse(request([...roiTurn, user('and for 20 years?')])))).toMatchObject([
      { name: 'calculate_roi', args: { principal: 10000, annual_rate: 0.05, years: 20 } },
    ]);
  });

  it('a new, unrelated request after an exchange is not taken for a follow-up', async () => {
    const text = await answer([...stockExchange, user('write me a poem about the sea')]);
    expect(text).toContain('offline planner');
    // A clear new request goes to its own tool, not to the previous one.
    expect(callsOf(await model.getResponse(request([...stockExchange, user('and what is my IP?')])))).toMatchObject([
      { name: 'get_ip', args: {} },
    ]);
  });
});

describe('offline planner: several intents in one message', () => {
  it('one call per clause, in order, in the same response', async () => {
    const response = await model.getResponse(request('track my IP and show me the IP history'));
    expect(callsOf(response)).toEqual([
      { name: 'track_ip', args: {}, callId: 'call_1_0_track_ip' },
      { name: 'get_ip_history', args: {}, callId: 'call_1_1_get_ip_history' },
    ]);
    expect(await plan('Set the JIRA project to DEMO and then get its metrics')).toEqual([
      { name: 'set_jira_project', args: { project: 'DEMO' } },
      { name: 'get_jira_metrics', args: {} },
    ]);
    expect(await plan("What's the weather in Paris; what is the price of IBM?")).toEqual([
      { name: 'weather', args: { city: 'Paris' } },
      { name: 'stock_price', args: { symbol: 'IBM' } },
    ]);
  });

  it('stays conservative: "and" inside one request does not split it', async () => {
    expect(await plan('Calculate the ROI for $10000 invested at 5% for 10 years and compounded monthly')).toEqual([
      { name: 'calculate_roi', args: { principal: 10000, annual_rate: 0.05, years: 10, compounding: 'monthly' } },
    ]);
    expect(await plan('what is the weather in Trinidad and Tobago')).toEqual([
      { name: 'weather', args: { city: 'Trinidad and Tobago' } },
    ]);
  });
});

describe('offline planner: answering from tool results', () => {
  const quote = 'AAPL: 189.12 USD as of 2026-01-02T00:00:00Z (sample data)';
  const quoteJson = JSON.stringify(
    { symbol: 'AAPL', price: 189.12, currency: 'USD', as_of: '2026-01-02T00:00:00Z', source: 'sample data' },
    null,
    2,
  );

  it('uses the summary line(s) before the JSON, whatever form the output takes', async () => {
    for (const output of [`${quote}\n${quoteJson}`, { type: 'text' as const, text: `${quote}\n${quoteJson}` }]) {
      const response = await model.getResponse(
        request([
          user('What is the stock price of AAPL?'),
          call('stock_price', { symbol: 'AAPL' }, 'c1'),
          result('stock_price', 'c1', output),
        ]),
      );
      expect(textOf(response)).toBe(quote);
      expect(response.providerData).toEqual({ model: 'offline', phase: 'answer' });
    }
    const history = 'IP history:\n1. 203.0.113.7 (tracked at 2026-01-02T00:00:00Z, public-ip-service)';
    expect(
      await answer([
        userParts('Show me the IP history'),
        call('get_ip_history', {}, 'c1'),
        mcpResult(
          'get_ip_history',
          'c1',
          `${history}\n{\n  "session_id": "s1",\n  "entries": [],\n  "total_tracked": 1\n}`,
        ),
      ]),
    ).toBe(history);
  });

  it('renders JSON-only output briefly, and passes plain text through', async () => {
    const text = await answer([
      user('get ip'),
      call('get_ip', {}, 'c1'),
      result('get_ip', 'c1', '{"ip":"203.0.113.7","source":"public-ip-service"}'),
    ]);
    expect(text).toBe('ip: 203.0.113.7, source: public-ip-service');
    expect(
      await answer([
        user('Calculate 15 * 23'),
        call('calculator', { expression: '15 * 23' }, 'c1'),
        result('calculator', 'c1', '15 * 23 = 345'),
      ]),
    ).toBe('15 * 23 = 345');
  });

  it('joins several results, one paragraph each', async () => {
    const text = await answer([
      user('track my IP and show me the IP history'),
      call('track_ip', {}, 'a'),
      call('get_ip_history', {}, 'b'),
      mcpResult(
        'track_ip',
        'a',
        'Tracked 203.0.113.7 (public-ip-service) at 2026-01-02T00:00:00Z.\n{"ip":"203.0.113.7"}',
      ),
      mcpResult(
        'get_ip_history',
        'b',
        'IP history:\n1. 203.0.113.7 (tracked at 2026-01-02T00:00:00Z, public-ip-service)\n{"entries":[]}',
      ),
    ]);
    expect(text).toBe(
      'track_ip: Tracked 203.0.113.7 (public-ip-service) at 2026-01-02T00:00:00Z.\n\n' +
        'get_ip_history: IP history:\n1. 203.0.113.7 (tracked at 2026-01-02T00:00:00Z, public-ip-service)',
    );
  });

  it('says plainly which tool failed and why', async () => {
    const failures: Array<[string, string, string]> = [
      ['stock_price', 'stock_price failed: Unknown symbol ZZZZ', 'The stock_price tool failed: "Unknown symbol ZZZZ"'],
      ['calculator', 'Error: Division by zero', 'The calculator tool failed: "Division by zero"'],
      ['weather', 'Error: weather failed: open-meteo timed out', 'The weather tool failed: "open-meteo timed out"'],
      [
        'get_jira_metrics',
        'An error occurred while running the tool. Please try again. Error: Jira answered 401 Unauthorized',
        'The get_jira_metrics tool failed: "Jira answered 401 Unauthorized"',
      ],
    ];
    for (const [name, output, expected] of failures) {
      expect(await answer([user('do it'), call(name, {}, 'c1'), result(name, 'c1', output)])).toBe(expected);
    }
    const mixed = await answer([
      user('track my IP and show me the IP history'),
      call('track_ip', {}, 'a'),
      call('get_ip_history', {}, 'b'),
      result('track_ip', 'a', 'track_ip failed: ipify timed out'),
      result('get_ip_history', 'b', 'No IPs tracked in this session yet.'),
    ]);
    expect(mixed).toBe(
      'The track_ip tool failed: "ipify timed out"\n\nget_ip_history: No IPs tracked in this session yet.',
    );
  });

  it('answers only results of calls made after the latest user message; a new question is planned afresh', async () => {
    const earlier = [
      user('What is the stock price of AAPL?'),
      call('stock_price', { symbol: 'AAPL' }, 'c1'),
      result('stock_price', 'c1', quote),
      assistant(quote),
    ];
    expect(callsOf(await model.getResponse(request([...earlier, user('What is my IP address?')])))).toEqual([
      { name: 'get_ip', args: {}, callId: 'call_5_0_get_ip' },
    ]);
  });
});

describe('offline planner: filing a Jira issue', () => {
  const issue = (summary: string, description = summary, ip?: string) => [
    { name: 'create_jira_issue', args: { summary, description, ...(ip ? { ip } : {}) } },
  ];

  it.each([
    ['File a Jira issue: VPN is down since 9am', issue('VPN is down since 9am')],
    ['create a jira issue about the printer in room 4 being on fire', issue('The printer in room 4 being on fire')],
    ['open a ticket: disk full on db1', issue('Disk full on db1')],
    ['raise an issue saying the wifi is slow', issue('The wifi is slow')],
    ['raise a bug that says the login page is blank', issue('The login page is blank')],
    ['open a new issue titled "Disk full on db1"', issue('Disk full on db1')],
    // The summary is the first sentence; the description all of the text; an IPv4 address in it is the ip argument.
    [
      'File a Jira issue: VPN is down since 9:30. Users in Berlin cannot connect.',
      issue('VPN is down since 9:30', 'VPN is down since 9:30. Users in Berlin cannot connect.'),
    ],
    ['log a ticket: 10.0.0.5 is unreachable', issue('10.0.0.5 is unreachable', undefined, '10.0.0.5')],
  ])('%s → create_jira_issue', async (text, expected) => {
    expect(await plan(text)).toEqual(expected);
  });

  it('does not split the text of an issue into clauses; a request before it is its own call', async () => {
    expect(await plan('Set the JIRA project to DEMO and file a jira issue: VPN and DNS are down')).toEqual([
      { name: 'set_jira_project', args: { project: 'DEMO' } },
      ...issue('VPN and DNS are down'),
    ]);
  });

  it('cuts a summary longer than 255 characters at a word, and keeps the whole text as the description', async () => {
    const long = `The nightly backup of ${'the customer database '.repeat(20)}failed`;
    const [call] = await plan(`File a Jira issue: ${long}`);
    const { summary, description } = call?.args as { summary: string; description: string };
    expect(summary.length).toBeLessThanOrEqual(255);
    // The words that fit, then "…" where the next word began.
    expect(summary.endsWith('…')).toBe(true);
    expect(long.startsWith(`${summary.slice(0, -1)} `)).toBe(true);
    expect(summary.length).toBeGreaterThan(200);
    expect(description).toBe(long);
  });

  it('reads stay reads: no issue is filed for a question about issues', async () => {
    expect(await plan('show my jira metrics')).toEqual([{ name: 'get_jira_metrics', args: {} }]);
    expect(await plan('how many issues are open in DEMO')).toEqual([
      { name: 'get_jira_metrics', args: { project: 'DEMO' } },
    ]);
    expect(await plan('how many bugs are open in OPS?')).toEqual([
      { name: 'get_jira_metrics', args: { project: 'OPS' } },
    ]);
    expect(await plan('please log my IP')).toEqual([{ name: 'track_ip', args: {} }]);
  });

  it('without the text of the issue it asks for it, and a follow-up never files another one', async () => {
    expect(await answer('file a jira issue')).toContain(
      "create_jira_issue looks relevant, but I couldn't find its summary, description in your message.",
    );
    const filed: AgentInputItem[] = [
      user('File a Jira issue: VPN is down'),
      call('create_jira_issue', { summary: 'VPN is down', description: 'VPN is down' }, 'c1'),
      result('create_jira_issue', 'c1', 'Filed DEMO-100001 in DEMO: VPN is down [sample data]\n{"key":"DEMO-100001"}'),
      assistant('Filed DEMO-100001 in DEMO: VPN is down [sample data]'),
    ];
    expect(await answer([...filed, user('what about the printer?')])).toContain('offline planner');
  });

  it('answers a call the person rejected, or let expire, with what the result says: it was not run', async () => {
    const asked = [
      user('File a Jira issue: VPN is down'),
      call('create_jira_issue', { summary: 'VPN is down', description: 'VPN is down' }, 'c1'),
    ];
    const rejected = 'Error: create_jira_issue was not run: the user rejected it by alice: not now. Nothing was done.';
    expect(await answer([...asked, result('create_jira_issue', 'c1', rejected)])).toBe(
      'create_jira_issue was not run: the user rejected it by alice: not now. Nothing was done.',
    );
    const expired =
      'Error: create_jira_issue was not run: the approval it needed expired (nobody answered within 1440 minute(s)). Nothing was done.';
    expect(await answer([...asked, mcpResult('create_jira_issue', 'c1', expired)])).toBe(
      expired.slice('Error: '.length),
    );
    // Approved: the new key, from the tool's summary line.
    expect(
      await answer([
        ...asked,
        result(
          'create_jira_issue',
          'c1',
          'Filed DEMO-100001 in DEMO: VPN is down [sample data]\n{"key":"DEMO-100001"}',
        ),
      ]),
    ).toBe('Filed DEMO-100001 in DEMO: VPN is down [sample data]');
  });
});

describe('offline planner: when no tool fits', () => {
  it('says it is the offline planner, lists its tools and suggests an example', async () => {
    const response = await model.getResponse(request('write me a poem about the sea'));
    expect(response.providerData).toEqual({ model: 'offline', phase: 'cannot-help' });
    const text = textOf(response);
    expect(text).toContain("I'm the offline planner (no language model is configured)");
    expect(text).toContain("couldn't match your request");
    expect(text).toContain(
      '- calculator: Evaluates an arithmetic expression exactly (+ - * / ^, parentheses, sqrt, percentages) and returns the result.',
    );
    expect(text).toContain(
      '- stock_price: Latest price of a stock ticker, with its currency, the time it was observed and its source.',
    );
    expect(text).toContain(
      '- set_jira_project: Sets the Jira project of an IT session; later get_jira_metrics calls use it by default.',
    );
    for (const tool of ALL_TOOLS) expect(text).toContain(`- ${(tool as FunctionToolDef).name}: `);
    expect(text).toMatch(/Try, for example: "calculator \(15 \* 23\) \/ 4" or "weather New York"\./);
    expect(text).not.toContain('Unavailable');
  });

  it('every suggested example really plans to a tool', async () => {
    const text = await answer('hello');
    const examples = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(await plan(example)).toHaveLength(1);
  });

  it('names the tool that looked relevant but lacked required arguments, instead of settling for a weaker one', async () => {
    const text = await answer('set the jira project');
    expect(text).toContain("set_jira_project looks relevant, but I couldn't find its project in your message.");
    expect(await answer('What is the weather like?')).toContain(
      "weather looks relevant, but I couldn't find its city in your message.",
    );
    expect(await answer('tell me a joke')).not.toContain('looks relevant');
  });

  it('mentions the tool servers that are unavailable', async () => {
    const itTools = [setJiraProject, getJiraMetrics, trackIp, getIpHistory, getIp];
    const systemInstructions =
      'You are a helpful assistant.\nUnavailable tool servers: finance (http://localhost:8001/mcp: connection refused)\nBe brief.';
    const text = await answer('What is the stock price of AAPL?', { tools: itTools, systemInstructions });
    expect(text).toContain('offline planner');
    expect(text).toContain('Unavailable tool servers: finance (http://localhost:8001/mcp: connection refused)');
    expect(text).not.toContain('stock_price');
    expect(text).toContain('- get_ip: ');
  });

  it('says so when it has no tools at all', async () => {
    const text = await answer('What is my IP address?', {
      tools: [],
      systemInstructions: 'Unavailable tool servers: finance, it',
    });
    expect(text).toContain('I have no tools available right now.');
    expect(text).toContain('Unavailable tool servers: finance, it');
  });
});

describe('offline planner: the Model and ModelProvider contract', () => {
  it('is deterministic: the same request gets the same response, from any instance', async () => {
    const conversation = [
      user('What is the stock price of AAPL?'),
      call('stock_price', { symbol: 'AAPL' }, 'c1'),
      result('stock_price', 'c1', 'AAPL: 1 USD'),
      assistant('AAPL: 1 USD'),
      user('and MSFT?'),
    ];
    for (const input of ['track my IP and show me the IP history', 'write me a poem about the sea', conversation]) {
      const first = await model.getResponse(request(input));
      const again = await new OfflinePlannerModel().getResponse(request(input));
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    }
  });

  it('plans with the tools of each request, whichever tool sets it saw before', async () => {
    const fresh = new OfflinePlannerModel();
    const question = 'What is the stock price of AAPL?';
    const outcome = async (tools: SerializedTool[]) =>
      (await fresh.getResponse(request(question, { tools }))).output.map((o) =>
        o.type === 'function_call' ? o.name : o.type,
      );
    const ownTools = structuredClone(ALL_TOOLS);
    expect(await outcome(ownTools)).toEqual(['stock_price']);
    expect(await outcome([calculator, weather])).toEqual(['message']);
    // A caller that changes its tool objects after a call changes nothing for the calls after it.
    for (const tool of ownTools) if (tool.type === 'function') tool.name = `old_${tool.name}`;
    expect(await outcome(ALL_TOOLS)).toEqual(['stock_price']);
    expect(await outcome(ownTools)).toEqual(['old_stock_price']);
  });

  it('reports one request and rough token estimates', async () => {
    const { usage } = await model.getResponse(request('Calculate 15 * 23'));
    expect(usage.requests).toBe(1);
    expect(usage.inputTokens).toBeGreaterThan(100);
    expect(usage.outputTokens).toBeGreaterThan(5);
    expect(usage.totalTokens).toBe(usage.inputTokens + usage.outputTokens);
  });

  it('streams: text deltas for a message, then response_done with the same output', async () => {
    const events: StreamEvent[] = [];
    for await (const event of model.getStreamedResponse(request('write me a poem about the sea'))) events.push(event);
    const expected = await model.getResponse(request('write me a poem about the sea'));
    expect(events.map((e) => e.type)).toEqual(['response_started', 'output_text_delta', 'response_done']);
    const done = events.at(-1);
    if (done?.type !== 'response_done') throw new Error('no response_done');
    expect(done.response.output).toEqual(expected.output);
    expect(done.response.usage.requests).toBe(1);

    const callEvents: StreamEvent[] = [];
    for await (const event of model.getStreamedResponse(request('Calculate 15 * 23'))) callEvents.push(event);
    expect(callEvents.map((e) => e.type)).toEqual(['response_started', 'response_done']);
  });

  it('the provider hands out the offline model', async () => {
    const provider = new OfflinePlannerProvider();
    expect(OFFLINE_MODEL_NAME).toBe('offline');
    expect(provider.getModel(OFFLINE_MODEL_NAME)).toBeInstanceOf(OfflinePlannerModel);
    expect(provider.getModel()).toBe(provider.getModel(OFFLINE_MODEL_NAME));
  });
});
