/** `npm run worker:it`: the IT tool worker. */
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { runMain } from '../../shared/main';
import { connectWorker } from '../../shared/temporal/connection';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { IpLookup } from './ip/lookup';
import { createJiraProvider } from './jira';
import { createItWorker } from './worker';
import { announceReady } from '../../shared/ready';

runMain('worker:it', async () => {
  const config = loadConfig();
  const log = createLogger('worker:it', config.logLevel);
  installTemporalRuntime(log);
  const connection = await connectWorker(config.temporal);
  const ip = new IpLookup({ url: config.it.ipLookupUrl, timeoutMs: config.it.ipLookupTimeoutMs });
  const jira = createJiraProvider(config.it);
  try {
    const worker = await createItWorker({
      connection,
      namespace: config.temporal.namespaces.it,
      taskQueue: config.it.taskQueue,
      deps: { jira, ip },
    });
    log.info(
      { namespace: config.temporal.namespaces.it, taskQueue: config.it.taskQueue, jira: jira.name, ipLookup: config.it.ipLookupUrl ?? 'local interface' },
      'IT worker ready',
    );
    announceReady();
    await worker.run();
  } finally {
    await ip.close();
    await jira.close?.();
    await connection.close();
  }
});
