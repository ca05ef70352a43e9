/**
 * `npm start`: the whole system on this machine, then the chat. `npm run services` (`--no-chat`): the same without
 * the chat, for Claude Desktop, Goose and curl users. Starts (or reuses) Temporal, then both tool workers, both MCP
 * HTTP servers and the orchestrator worker; waits until each is ready; prefixes their logs. A service that crashes is
 * restarted (shared/launcher/supervisor.ts). Ctrl-C, or the end of the chat's piped input, stops everything it
 * started, in reverse order; and whatever ends this process, even kill -9, ends what it started (each child exits
 * when its IPC channel closes; the dev server has a watchdog).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { describeModel, projectRoot, wholeSystemSection } from '../config';
import { createLogger } from '../logger';
import { loadProcessConfig, runMain } from '../main';
import { assertPortFree } from '../launcher/ports';
import { assertRuntimeMetricsPortsFree, assignRuntimeMetricsAddresses } from '../launcher/runtime-metrics';
import { chatEnvironment, systemServices } from '../launcher/services';
import { formatDuration, RestartBudget, SupervisedService } from '../launcher/supervisor';
import { startOrReuseTemporal, type LocalTemporal } from '../temporal/local-service';
import { projectNexusEndpoints } from '../temporal/nexus-endpoints';

const READY_TIMEOUT_MS = 300_000; // the first start bundles three workflow packages on a small machine
const WARN = 40;

runMain('start', async () => {
  const { values } = parseArgs({
    options: { 'no-chat': { type: 'boolean', default: false }, conversation: { type: 'string' } },
    strict: true,
  });
  const withChat = !values['no-chat'];
  // Every service's settings, checked before any starts: a mistake is one line now, not a service that keeps crashing.
  const {
    config: { system: config },
    log,
  } = loadProcessConfig('start', { system: wholeSystemSection });
  const echo = (line: string) => process.stderr.write(`${line}\n`);
  const started: SupervisedService[] = [];
  let stopping: Promise<void> | undefined;
  let chatRunning = false;
  const notice = (line: string, kind: 'restart' | 'back' | 'give-up') => {
    // In the chat, one line per restart; that it is back matters only to someone watching the logs.
    if (kind !== 'back' || !chatRunning) echo(`[start] ${line}`);
  };

  // Before starting anything: a port someone else holds is one clear line, not a service dying half-way.
  const { host, financePort, itPort } = config.mcp;
  await assertPortFree({
    host,
    port: financePort,
    what: 'the Finance MCP server',
    setting: 'FINANCE_MCP_PORT (and FINANCE_MCP_URL)',
  });
  await assertPortFree({ host, port: itPort, what: 'the IT MCP server', setting: 'IT_MCP_PORT (and IT_MCP_URL)' });
  // With TEMPORAL_PROMETHEUS_ADDRESS, one metrics port per worker process.
  const { services, endpoints: metricsEndpoints } = assignRuntimeMetricsAddresses(
    systemServices(config),
    config.temporalRuntimeMetrics.prometheus,
  );
  await assertRuntimeMetricsPortsFree(metricsEndpoints);

  const nexusEndpoints = projectNexusEndpoints({
    temporal: config.temporal,
    names: config.orchestrator.nexusEndpoints,
    taskQueues: { finance: config.finance.taskQueue, it: config.it.taskQueue },
  });
  const temporalOptions = { detached: true, logToFile: true, nexusEndpoints };
  let temporal: LocalTemporal | undefined;
  /** The chat, once `npm start` opens it: stopped first. */
  const open: { chat?: ChildProcess } = {};

  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      log.info({ reason }, 'stopping everything this command started');
      // Reverse order: the chat and the agent first, Temporal last, so nothing loses its server while draining.
      const { chat } = open;
      if (chat && chat.exitCode === null && chat.signalCode === null) {
        chat.kill('SIGTERM');
        await new Promise((resolve) => chat.once('exit', resolve));
      }
      for (const service of [...started].reverse()) await service.stop();
      await temporal?.stop();
      log.info('all stopped');
    })());
  // Leaving without stopAll (an uncaught error): no waiting. The dev server's watchdog stops it once we are gone.
  process.once('exit', () => {
    for (const service of started) service.killNow();
  });

  // Installed before anything starts: a service manager's SIGTERM may come at any time. SIGTERM is a requested stop
  // (exit 0 once all is stopped, which systemd counts as clean); Ctrl-C and a closed terminal exit 130 and 129.
  const EXIT_CODES = { SIGINT: 130, SIGTERM: 0, SIGHUP: 129 } as const;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // With the chat open, Ctrl-C reaches it too (same terminal); its exit stops the rest.
      if (!chatRunning || signal !== 'SIGINT') void stopAll(signal).then(() => process.exit(EXIT_CODES[signal]));
    });
  }

  temporal = await startOrReuseTemporal(config, log, temporalOptions);
  // Stopped while Temporal was starting: stopAll passed it by.
  if (stopping) {
    await temporal.stop();
    return;
  }
  // The Web UI, when known (the dev server started here, or TEMPORAL_UI_URL), for the links the chat and the MCP
  // servers make: they need not look for it.
  const env = temporal.webUi ? { ...process.env, TEMPORAL_UI_URL: temporal.webUi } : process.env;

  try {
    for (const spec of services) {
      // Each service gets only the variables its own config reads (spec.reads), not all of this process's .env.
      started.push(new SupervisedService(spec, { env, echo, notice, readyTimeoutMs: READY_TIMEOUT_MS }));
    }
    await Promise.all(started.map((s) => s.waitUntilReady(READY_TIMEOUT_MS)));
  } catch (err) {
    await stopAll('a service failed to start');
    throw err;
  }

  echo(
    [
      '',
      'Everything is up:',
      `  Temporal        ${config.temporal.address}${temporal.webUi ? ` (Web UI ${temporal.webUi})` : ''}${temporal.server ? '' : ' (reused)'}`,
      `  Finance MCP     http://${host}:${financePort}/mcp`,
      `  IT MCP          http://${host}:${itPort}/mcp`,
      `  Model           ${describeModel(config.orchestrator.llm)}`,
      ...metricsEndpoints.map((e) => `  Metrics         ${e.url} (Temporal runtime, ${e.service})`),
      withChat ? '' : '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  // From here on a crash is restarted; only a service that keeps crashing ends the whole thing.
  for (const service of started) service.supervise();

  /** The dev server this command started is restarted like the services (a reused server is someone else's). */
  async function superviseTemporal(): Promise<string> {
    const budget = new RestartBudget();
    let readySince = Date.now();
    for (;;) {
      const server = temporal!.server;
      if (!server) return new Promise<string>(() => undefined);
      const code = await server.exited;
      if (stopping) return new Promise<string>(() => undefined);
      const how = server.process.signalCode ? `was killed by ${server.process.signalCode}` : `exited with code ${code}`;
      const decision = budget.onCrash(Date.now(), readySince);
      if ('giveUp' in decision) {
        notice(
          `the Temporal dev server ${how}; not restarting it, ${decision.giveUp} (its log: ${config.devServer.dataDir}/temporal-dev-server.log)`,
          'give-up',
        );
        return 'the Temporal dev server keeps crashing';
      }
      notice(
        `the Temporal dev server ${how}; restarting it in ${formatDuration(decision.restartInMs)} (restart ${decision.restart})`,
        'restart',
      );
      await new Promise((resolve) => setTimeout(resolve, decision.restartInMs));
      if (stopping) return new Promise<string>(() => undefined);
      try {
        // Its "up" line is for the logs; in the chat, the notice below says it.
        temporal = await startOrReuseTemporal(
          config,
          chatRunning ? createLogger('start', 'warn') : log,
          temporalOptions,
        );
      } catch (err) {
        notice(`the Temporal dev server could not be restarted: ${(err as Error).message}`, 'give-up');
        return 'the Temporal dev server could not be restarted';
      }
      // Stopped while it was starting: stopAll has already passed it by.
      if (stopping) await temporal.stop();
      readySince = Date.now();
      notice('the Temporal dev server is back', 'back');
    }
  }
  const gaveUp = Promise.race([...started.map((s) => s.gaveUp), superviseTemporal()]);
  const giveUpAll = async (reason: string) => {
    await stopAll(reason);
    echo(`[start] stopped everything: ${reason}. Fix the cause (its last lines are above) and start again.`);
    process.exitCode = 1;
  };

  if (!withChat) {
    const reason = await gaveUp;
    if (!stopping) await giveUpAll(reason);
    return;
  }

  // The chat owns the terminal; service logs are quieted to warnings and errors while it runs.
  for (const service of started) service.echoLevel = WARN;
  chatRunning = true;
  const chat = (open.chat = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'orchestrator/chat.ts',
      ...(values.conversation ? ['--conversation', values.conversation] : []),
    ],
    {
      cwd: projectRoot,
      // Like each service, only what its config reads (shared/launcher/services.ts): no provider key or token.
      env: chatEnvironment(env),
      // The IPC channel only ends the chat with this process (shared/ready.ts).
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    },
  ));
  const chatExit = new Promise<number>((resolve) => chat.once('exit', (code) => resolve(code ?? 0)));
  const outcome = await Promise.race([
    chatExit.then((code) => ({ chat: code })),
    gaveUp.then((reason) => ({ reason })),
  ]);
  chatRunning = false;
  if ('reason' in outcome) {
    chat.kill('SIGTERM');
    await chatExit;
    await giveUpAll(outcome.reason);
    return;
  }
  await stopAll('the chat ended');
  process.exitCode = outcome.chat;
});
