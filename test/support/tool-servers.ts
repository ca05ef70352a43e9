/** Both tool stacks at once: the Finance stack and the IT stack with one IT MCP HTTP server, closed together. */
import type { McpAuthConfig } from '../../shared/config';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import type { QuoteProvider } from '../../tool-workers/finance/quotes/provider';
import type { JiraProvider } from '../../tool-workers/it/jira/provider';
import { startFinanceStack, type FinanceStack } from './finance-stack';
import { startItStack, type ItStack } from './it-stack';

export interface ToolServers {
  finance: FinanceStack;
  it: ItStack;
  itHttp: RunningHttpServer;
  close(): Promise<void>;
}

export async function startToolServers(
  opts: { quotes?: QuoteProvider; auth?: McpAuthConfig; jira?: JiraProvider } = {},
): Promise<ToolServers> {
  const finance = await startFinanceStack({ quotes: opts.quotes, auth: opts.auth && { config: opts.auth } });
  const it = await startItStack(opts.jira ? { deps: { jira: opts.jira } } : {});
  const itHttp = await it.startHttp({ auth: opts.auth && { config: opts.auth } });
  return {
    finance,
    it,
    itHttp,
    async close() {
      await it.close();
      await finance.close();
    },
  };
}
