/**
 * `npm start`: the whole system on this machine, then the chat. `npm run services` (`--no-chat`): the same without
 * the chat, for Claude Desktop, Goose and curl users. Starts (or reuses) Temporal, then both tool workers, both MCP
 * HTTP servers and the orchestrator worker; waits until each is ready; prefixes their logs. Ctrl-C, or the end of
 * the chat's piped input, stops everything it started, in reverse order; nothing is left running.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig, projectRoot, type AppConfig } from '../config';
import { createLogger } from '../logger';
import { runMain } from '../main';
import { ServiceProcess } from '../launcher/service-process';
import { systemServices } from '../launcher/services';
import { startOrReuseTemporal } from '../temporal/local-service';

const READY_TIMEOUT_MS = 300_000; // the first start bundles three workflow packages on a small machine
const WARN = 40;

runMain('start', async () => {
  const { values } = parseArgs({
    options: { 'no-chat': { type: 'boolean', default: false }, conversation: { type: 'string' } },
    strict: true,
  });
  const withChat = !values['no-chat'];
  const config = loadConfig();
  const log = createLogger('start', config.logLevel);
  const echo = (line: string) => process.stderr.write(`${line}\n`);
  const started: ServiceProcess[] = [];
  let stopping: Promise<void> | undefined;

  const temporal = await startOrReuseTemporal(config, log, { detached: true, logToFile: true });

  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      log.info({ reason }, 'stopping everything this command started');
      // Reverse order: the agent first, Temporal last, so nothing loses its server while draining.
      for (const service of [...started].reverse()) await service.stop();
      await temporal.stop();
      log.info('all stopped');
    })());
  process.once('exit', () => {
    for (const service of started) service.killNow();
    temporal.server?.process.kill('SIGKILL');
  });

  let chatRunning = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // With the chat open, Ctrl-C reaches it too (same terminal); its exit stops the rest.
      if (!chatRunning || signal !== 'SIGINT') void stopAll(signal).then(() => process.exit(130));
    });
  }

  try {
    for (const spec of systemServices(config)) started.push(new ServiceProcess(spec, process.env, echo));
    await Promise.all(started.map((s) => s.waitUntilReady(READY_TIMEOUT_MS)));
  } catch (err) {
    await stopAll('a service failed to start');
    throw err;
  }

  const { host, financePort, itPort } = config.mcp;
  echo(
    [
      '',
      'Everything is up:',
      `  Temporal        ${config.temporal.address} (Web UI ${temporal.webUi})${temporal.server ? '' : ' (reused)'}`,
      `  Finance MCP     http://${host}:${financePort}/mcp`,
      `  IT MCP          http://${host}:${itPort}/mcp`,
      `  Model           ${config.orchestrator.llm.kind === 'offline' ? 'the offline planner' : config.orchestrator.llm.model}`,
      withChat ? '' : '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  // A service that dies takes the rest down: half a system is harder to understand than none.
  const firstExit = Promise.race(started.map((s) => s.exited.then((code) => ({ service: s, code }))));

  if (!withChat) {
    const { service, code } = await firstExit;
    if (stopping) return;
    await stopAll(`${service.spec.name} exited with code ${code}`);
    process.exitCode = 1;
    return;
  }

  // The chat owns the terminal; service logs are quieted to warnings and errors while it runs.
  for (const service of started) service.echoLevel = WARN;
  chatRunning = true;
  const chat = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/chat.ts', ...(values.conversation ? ['--conversation', values.conversation] : [])], {
    cwd: projectRoot,
    env: process.env,
    stdio: 'inherit',
  });
  const chatExit = new Promise<number>((resolve) => chat.once('exit', (code) => resolve(code ?? 0)));
  const outcome = await Promise.race([chatExit.then((code) => ({ chat: code })), firstExit.then((e) => ({ died: e }))]);
  chatRunning = false;
  if ('died' in outcome) {
    chat.kill('SIGTERM');
    await chatExit;
    await stopAll(`${outcome.died.service.spec.name} exited with code ${outcome.died.code}`);
    process.exitCode = 1;
    return;
  }
  await stopAll('the chat ended');
  process.exitCode = outcome.chat;
});
