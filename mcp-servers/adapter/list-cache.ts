/**
 * 2026-07-28 cache hints for what our servers list. The tool, resource and prompt lists are static for a deployed version and the same for
 * every caller (auth decides who may call, not what is listed), so clients may reuse them for a while and share them.
 * A new deployment that changes a tool is picked up within the TTL.
 */
import type { CacheHint } from '@modelcontextprotocol/server';
import { TOOL_LIST_TTL_MS } from '../../shared/tools/nexus-service';

const staticList: CacheHint = { ttlMs: TOOL_LIST_TTL_MS, cacheScope: 'public' };

/** Resource templates and prompts are definitions too (shared/resources, shared/prompts): as static as the tools. */
export const LIST_CACHE_HINTS = {
  'tools/list': staticList,
  'server/discover': staticList,
  'resources/list': staticList,
  'resources/templates/list': staticList,
  'prompts/list': staticList,
} as const;
