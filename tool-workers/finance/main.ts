import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { runMain } from '../../shared/main';
import { connectWorker } from '../../shared/temporal/connection';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { createQuoteProvider } from './quotes';
import { createFinanceWorker } from './worker';
import { announceReady } from '../../shared/ready';

runMain('worker:finance', async () => {
  const config = loadConfig();
  const log = createLogger('worker:finance', config.logLevel);
  installTemporalRuntime(log);
  const connection = await connectWorker(config.temporal);
  try {
    const quotes = createQuoteProvider(config.finance);
    const worker = await createFinanceWorker({
      connection,
      namespace: config.temporal.namespaces.finance,
      taskQueue: config.finance.taskQueue,
      deps: { quotes },
    });
    log.info(
      { namespace: config.temporal.namespaces.finance, taskQueue: config.finance.taskQueue, quotes: quotes.name },
      'finance worker ready',
    );
    announceReady();
    await worker.run(); // returns after SIGINT/SIGTERM have drained it
  } finally {
    await connection.close();
  }
});
