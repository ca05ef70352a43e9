#!/usr/bin/env node
// Launcher for desktop clients (Claude Desktop, Goose): works from any working directory, no npm involved.
//   node /absolute/path/to/bin/mcp-finance.mjs --transport stdio
import { register } from 'tsx/esm/api';

register();
await import('../mcp-servers/finance/main.ts');
