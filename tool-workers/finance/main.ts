/** `npm run worker:finance`: the finance tool worker. */
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { runMain } from '../../shared/main';
import { connectWorker } from '../../shared/temporal/connection';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { createConfiguredFinanceWorker } from './worker';
import { announceReady } from '../../shared/ready';

runMain('worker:finance', async () => {
  const config = loadConfig();
  const log = createLogger('worker:finance', config.logLevel);
  installTemporalRuntime(log);
  const connection = await connectWorker(config.temporal);
  try {
    const { worker, details, close } = await createConfiguredFinanceWorker(config, connection);
    try {
      log.info(details, 'finance worker ready');
      announceReady();
      await worker.run(); // returns after SIGINT/SIGTERM have drained it
    } finally {
      await close();
    }
  } finally {
    await connection.close();
  }
});
