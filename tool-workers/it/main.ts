/** `npm run worker:it`: the IT tool worker. */
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { runMain } from '../../shared/main';
import { connectWorker } from '../../shared/temporal/connection';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { createConfiguredItWorker } from './worker';
import { announceReady } from '../../shared/ready';

runMain('worker:it', async () => {
  const config = loadConfig();
  const log = createLogger('worker:it', config.logLevel);
  installTemporalRuntime(log);
  const connection = await connectWorker(config.temporal);
  try {
    const { worker, details, close } = await createConfiguredItWorker(config, connection);
    try {
      log.info(details, 'IT worker ready');
      announceReady();
      await worker.run();
    } finally {
      await close();
    }
  } finally {
    await connection.close();
  }
});
