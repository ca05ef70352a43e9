/**
 * The sample questions of docs/orchestrator.md as the offline planner answers them: the question, the one tool it
 * calls with which arguments, and what the reply shows. In this order: the IT ones build on each other (project, then
 * metrics; track, then history). Every transport and loop must give these answers.
 */
const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}\b/;

export const SAMPLE_QUESTIONS: [question: string, tool: string, args: Record<string, unknown>, answer: RegExp][] = [
  ['Calculate 15 * 23', 'calculator', { expression: '15 * 23' }, /345/],
  ["What's the weather in New York?", 'weather', { city: 'New York' }, /New York.*°C.*sample data/],
  ['What is my IP address?', 'get_ip', {}, IPV4],
  ['What is the stock price of AAPL?', 'stock_price', { symbol: 'AAPL' }, /AAPL: [\d,.]+ USD.*sample data/],
  [
    'Calculate the ROI for $10000 invested at 5% for 10 years',
    'calculate_roi',
    { principal: 10000, annual_rate: 0.05, years: 10 },
    /16,288\.95/,
  ],
  ['Set the JIRA project to DEMO-123', 'set_jira_project', { project: 'DEMO-123' }, /DEMO/],
  ['Get JIRA metrics', 'get_jira_metrics', {}, /DEMO \(.*open/],
  ['Track my IP address', 'track_ip', {}, IPV4],
  ['Show me the IP history', 'get_ip_history', {}, /1\. .*tracked at/],
];
