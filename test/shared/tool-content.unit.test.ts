/**
 * Tool arguments and results on `tools/call` spans: opt-in through OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
 * redacted before they are serialised (handles, keys and secrets only as `sha256:<16 hex>`), bounded in size, and
 * with capture off not even read. Spans are read from the SDK's own in-memory exporter.
 */
import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telemetrySettings } from '../../shared/telemetry';
import { enableMcpTelemetry, traceMcpClientRequest, traceMcpServerRequest } from '../../shared/telemetry/mcp';
import {
  hashed,
  isSensitiveKey,
  TOOL_CONTENT_MAX_CHARS,
  ToolContentRedactor,
  truncated,
} from '../../shared/telemetry/tool-content';

const sha = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)}`;
const HANDLE = 'Zk3qQ9vX_b2LmN8rT1yUwA';

describe('the content switch', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
  const capture = (value?: string) =>
    telemetrySettings({
      ...endpoint,
      ...(value === undefined ? {} : { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: value }),
    })?.captureToolContent === true;

  it('is off by default and on only for true, 1, yes (any case) or the newer SPAN_ONLY / SPAN_AND_EVENT', () => {
    expect(capture()).toBe(false);
    for (const on of ['true', 'TRUE', ' True ', '1', 'yes', 'YES', 'SPAN_ONLY', 'span_and_event'])
      expect(capture(on)).toBe(true);
    for (const off of ['', 'false', '0', 'no', 'NO_CONTENT', 'EVENT_ONLY', 'maybe']) expect(capture(off)).toBe(false);
  });

  it('means nothing while tracing is off', () => {
    expect(telemetrySettings({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' })).toBeUndefined();
  });
});

describe('redaction', () => {
  it('names handles, keys and secrets by key, in any spelling', () => {
    for (const key of [
      'session_id',
      'sessionId',
      'SESSION-ID',
      'handle',
      'idempotencyKey',
      'idempotency_key',
      'taskId',
      'access_token',
      'clientSecret',
      'password',
      'api_key',
      'apiKey',
      'x-api-key',
      'Authorization',
    ])
      expect(isSensitiveKey(key), key).toBe(true);
    for (const key of ['symbol', 'project', 'principal', 'years', 'session', 'ip'])
      expect(isSensitiveKey(key), key).toBe(false);
    expect(hashed(HANDLE)).toBe(sha(HANDLE));
    expect(hashed(HANDLE)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('hashes sensitive values at any depth, in objects and arrays, and keeps the rest', () => {
    const recorded = JSON.parse(
      new ToolContentRedactor().arguments({
        project: 'DEMO',
        session_id: HANDLE,
        nested: { deeper: [{ apiKey: 'k-123456789', n: 1 }, { authorization: { scheme: 'Bearer', value: 'xyz' } }] },
        missing_session_id: null,
        handle: undefined,
      }),
    ) as Record<string, any>;
    expect(recorded).toEqual({
      project: 'DEMO',
      session_id: sha(HANDLE),
      nested: {
        deeper: [{ apiKey: sha('k-123456789'), n: 1 }, { authorization: hashed({ scheme: 'Bearer', value: 'xyz' }) }],
      },
      missing_session_id: null,
    });
  });

  it('records structuredContent when there is one, and scrubs a handle from the arguments wherever it reappears', () => {
    const redactor = new ToolContentRedactor();
    const args = redactor.arguments({ session_id: HANDLE });
    const result = redactor.result({
      structuredContent: { session_id: HANDLE, jira_project: 'DEMO', note: `session ${HANDLE} is open` },
      content: [{ type: 'text', text: `Jira project set to DEMO (session_id ${HANDLE}).` }],
    })!;
    expect(JSON.parse(args)).toEqual({ session_id: sha(HANDLE) });
    expect(JSON.parse(result)).toEqual({
      session_id: sha(HANDLE),
      jira_project: 'DEMO',
      note: `session ${sha(HANDLE)} is open`,
    });
    expect(args + result).not.toContain(HANDLE);
  });

  it('without structuredContent records the text: parsed when it is JSON, scrubbed of known secrets when it is not', () => {
    const redactor = new ToolContentRedactor();
    redactor.arguments({ session_id: HANDLE });
    expect(redactor.result({ content: [{ type: 'text', text: `Tracked 10.0.0.1 (session_id ${HANDLE}).` }] })).toBe(
      JSON.stringify(`Tracked 10.0.0.1 (session_id ${sha(HANDLE)}).`),
    );
    expect(
      JSON.parse(
        redactor.result({
          content: [
            { type: 'text', text: '{"session_id": "' + HANDLE + '", "ip": "10.0.0.1"}' },
            { type: 'image', data: 'AAAA', mimeType: 'image/png' },
          ],
        })!,
      ),
    ).toEqual({ session_id: sha(HANDLE), ip: '10.0.0.1' });
    expect(redactor.result({ content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] })).toBeUndefined();
  });

  it('bounds what it records, with a marker saying how long the whole was', () => {
    const long = 'x'.repeat(10_000);
    // {"long":"…"} is 11 characters around the 10000.
    const recorded = new ToolContentRedactor().result({ structuredContent: { long } })!;
    expect(recorded.length).toBe(TOOL_CONTENT_MAX_CHARS);
    expect(recorded).toMatch(/^\{"long":"x+…\[truncated: 10011 chars\]$/);
    expect(truncated('short')).toBe('short');
    // A surrogate pair at the cut is dropped whole, never halved.
    const emoji = truncated('😀'.repeat(3000));
    expect(emoji.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('tools/call spans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
  });

  const call = (side: 'client' | 'server', toolArguments: unknown, result: object, method = 'tools/call') =>
    side === 'client'
      ? traceMcpClientRequest(
          { method, tool: 'set_jira_project', toolArguments },
          async () => result,
          (r) => (r as { isError?: boolean }).isError === true,
        )
      : traceMcpServerRequest(
          { method, tool: 'set_jira_project', toolArguments },
          undefined,
          async () => result,
          (r) => (r as { isError?: boolean }).isError === true,
        );
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const ok = { structuredContent: { session_id: HANDLE, jira_project: 'DEMO' } };

  it('off by default: no arguments or result, and the arguments are never even read', async () => {
    enableMcpTelemetry();
    let touched = 0;
    const watched = new Proxy(
      { session_id: HANDLE },
      {
        get: (t, k) => (touched++, Reflect.get(t, k)),
        ownKeys: (t) => (touched++, Reflect.ownKeys(t)),
      },
    );
    await call('client', watched, ok);
    await call('server', watched, ok);
    expect(spans()).toHaveLength(2);
    for (const span of spans()) {
      expect(span.attributes['gen_ai.tool.name']).toBe('set_jira_project');
      expect(span.attributes).not.toHaveProperty('gen_ai.tool.call.arguments');
      expect(span.attributes).not.toHaveProperty('gen_ai.tool.call.result');
    }
    expect(touched).toBe(0);
  });

  it('on: both sides record the redacted arguments and result; a tool error or another method records no result', async () => {
    enableMcpTelemetry({ captureToolContent: true });
    await call('client', { project: 'DEMO', session_id: HANDLE }, ok);
    await call('server', { project: 'DEMO', session_id: HANDLE }, ok);
    const [client, server] = spans();
    for (const span of [client!, server!]) {
      expect(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments']))).toEqual({
        project: 'DEMO',
        session_id: sha(HANDLE),
      });
      expect(JSON.parse(String(span.attributes['gen_ai.tool.call.result']))).toEqual({
        session_id: sha(HANDLE),
        jira_project: 'DEMO',
      });
      expect(JSON.stringify(span.attributes)).not.toContain(HANDLE);
    }

    exporter.reset();
    await call('server', { project: 'NOPE' }, { isError: true, content: [{ type: 'text', text: 'no such project' }] });
    await call('client', undefined, { tools: [] }, 'tools/list');
    const [failed, list] = spans();
    expect(failed!.attributes['error.type']).toBe('tool_error');
    expect(failed!.attributes['gen_ai.tool.call.arguments']).toBe('{"project":"NOPE"}');
    expect(failed!.attributes).not.toHaveProperty('gen_ai.tool.call.result');
    expect(list!.attributes).not.toHaveProperty('gen_ai.tool.call.arguments');
    expect(list!.attributes).not.toHaveProperty('gen_ai.tool.call.result');
  });
});
