/**
 * `npm run desktop-config [-- --client claude|goose]`: prints the client config for this clone, paths and a fresh
 * random IT_SESSION_ID filled in, ready to paste into Claude Desktop's claude_desktop_config.json or Goose's
 * ~/.config/goose/config.yaml.
 */
import { parseArgs } from 'node:util';
import { runMain } from '../main';
import { claudeDesktopConfigText, gooseConfigText } from '../desktop-configs';

runMain('desktop-config', async () => {
  const { values } = parseArgs({ options: { client: { type: 'string', default: 'claude' } }, strict: true });
  if (values.client !== 'claude' && values.client !== 'goose')
    throw new Error(`--client must be "claude" or "goose" (got ${JSON.stringify(values.client)})`);
  process.stdout.write(values.client === 'claude' ? claudeDesktopConfigText() : gooseConfigText());
});
