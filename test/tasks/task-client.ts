/**
 * A 2026-07-28 client of the tasks extension over raw HTTP, the way curl or a script speaks it: the SDK v2 client
 * (2.4.0) has no runtime for the extension (its `tasks/*` are 2025-11-25 vocabulary), so the tests send the wire
 * messages themselves, with the extension declared in the request's client capabilities and the routing headers.
 */
import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/client';
import { modernRequest } from '../../shared/mcp/modern-request';
import { postMcp } from '../support/mcp-client';

export const TASKS = 'io.modelcontextprotocol/tasks';

export interface TaskClientOptions {
  /** Declare the extension on each request (default true). */
  declareTasks?: boolean;
  token?: string;
}

export type Json = Record<string, any>;

export function taskClient(url: () => string, { declareTasks = true, token }: TaskClientOptions = {}) {
  let id = 0;
  async function send(method: string, params: Json = {}): Promise<{ status: number; result?: Json; error?: Json }> {
    const meta = {
      ...(params._meta ?? {}),
      [CLIENT_CAPABILITIES_META_KEY]: declareTasks ? { extensions: { [TASKS]: {} } } : {},
    };
    const { body, headers } = modernRequest(method, { ...params, _meta: meta }, ++id);
    if (typeof params.taskId === 'string') headers['mcp-name'] = params.taskId;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await postMcp(url(), body, headers);
    return { status: res.status, result: res.json?.result, error: res.json?.error };
  }
  return {
    send,
    call: (name: string, args: Json, meta?: Json) =>
      send('tools/call', { name, arguments: args, ...(meta ? { _meta: meta } : {}) }),
    get: (taskId: string) => send('tasks/get', { taskId }),
    cancel: (taskId: string) => send('tasks/cancel', { taskId }),
    update: (taskId: string, inputResponses: Json = {}) => send('tasks/update', { taskId, inputResponses }),
    /** Polls tasks/get at the task's own pollIntervalMs until `until` holds for it (a terminal status by default). */
    async poll(
      taskId: string,
      until: (task: Json) => boolean = (t) => ['completed', 'failed', 'cancelled'].includes(t.status),
      timeoutMs = 60_000,
    ): Promise<Json> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { result, error } = await send('tasks/get', { taskId });
        if (error) throw new Error(`tasks/get ${taskId}: ${JSON.stringify(error)}`);
        if (until(result!)) return result!;
        if (Date.now() > deadline)
          throw new Error(`task ${taskId} still ${JSON.stringify(result)} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, result!.pollIntervalMs ?? 1000));
      }
    },
  };
}
