/**
 * 2026-07-28 cache hints for what our servers list. The tool lists are static for a deployed version and the same for
 * every caller (auth decides who may call, not what is listed), so clients may reuse them for a while and share them.
 * A new deployment that changes a tool is picked up within the TTL.
 */
import type { CacheHint } from '@modelcontextprotocol/server';
import { TOOL_LIST_TTL_MS } from '../../shared/tools/nexus-service';

const staticList: CacheHint = { ttlMs: TOOL_LIST_TTL_MS, cacheScope: 'public' };

export const LIST_CACHE_HINTS = { 'tools/list': staticList, 'server/discover': staticList } as const;
