#!/usr/bin/env node
// Launcher for desktop clients (Claude Desktop, Goose): works from any working directory, no npm involved.
//   IT_SESSION_ID=$(openssl rand -hex 16) node /absolute/path/to/bin/mcp-it.mjs --transport stdio
import { register } from 'tsx/esm/api';

register();
await import('../mcp-servers/it/main.ts');
