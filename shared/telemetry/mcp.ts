/**
 * MCP spans and duration histograms in the OpenTelemetry semantic conventions for MCP: span `{mcp.method.name}
 * {target}`, kind CLIENT or SERVER, `mcp.*`, `gen_ai.*`, `jsonrpc.request.id`, `network.transport` and
 * `error.type=tool_error` for a result with `isError`. Context crosses in the request's `_meta` (`traceparent`,
 * `tracestate`, `baggage`: SEP-414, the same W3C formats as the HTTP headers).
 *
 * Idempotency keys, session handles and tokens are never recorded raw. Tool arguments and results are recorded only when
 * the process edge turns content capture on (`gen_ai.tool.call.arguments`/`.result` on `tools/call` spans, redacted by
 * ./tool-content.ts); off, they are not even serialised. With telemetry off the wrappers call straight through
 * (measured: as fast as a direct call; through the API's no-op objects it was ~2.5 µs).
 */
import {
  context,
  createContextKey,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type Span,
} from '@opentelemetry/api';
import { toolContentAttributes, ToolContentRedactor } from './tool-content';

const INSTRUMENTATION = 'durable-mcp-agents/mcp';

/** Set by the process edge when it registers telemetry (shared/telemetry); until then the wrappers call straight through. */
let enabled = false;
/** Whether `tools/call` spans carry the call's (redacted) arguments and result: opt-in, off by default. */
let captureToolContent = false;
export function enableMcpTelemetry(options: { captureToolContent?: boolean } = {}): void {
  enabled = true;
  captureToolContent = options.captureToolContent === true;
}

/** `network.transport` of the request being served: set by the HTTP transport; stdio is a pipe. */
export const MCP_NETWORK_TRANSPORT = createContextKey('mcp network.transport');

export const mcpAttributes = {
  method: 'mcp.method.name',
  protocolVersion: 'mcp.protocol.version',
  toolName: 'gen_ai.tool.name',
  operationName: 'gen_ai.operation.name',
  requestId: 'jsonrpc.request.id',
  networkTransport: 'network.transport',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;

export const TOOL_ERROR = 'tool_error';

export interface McpOperation {
  /** `tools/call`, `tools/list`, … */
  method: string;
  tool?: string;
  requestId?: string | number;
  protocolVersion?: string;
  networkTransport?: 'tcp' | 'pipe';
  /** Client side: where the server is. */
  serverUrl?: string;
  /** `tools/call`: the arguments, read only when content capture is on. */
  toolArguments?: unknown;
}

/** What a `tools/call` result may contribute to its span when content capture is on. */
type ToolResultLike = { structuredContent?: unknown; content?: unknown };

export function mcpSpanName(op: Pick<McpOperation, 'method' | 'tool'>): string {
  return op.tool ? `${op.method} ${op.tool}` : op.method;
}

function operationAttributes(op: McpOperation): Attributes {
  const attrs: Attributes = { [mcpAttributes.method]: op.method };
  if (op.tool) {
    attrs[mcpAttributes.toolName] = op.tool;
    attrs[mcpAttributes.operationName] = 'execute_tool';
  }
  if (op.requestId !== undefined) attrs[mcpAttributes.requestId] = String(op.requestId);
  if (op.protocolVersion) attrs[mcpAttributes.protocolVersion] = op.protocolVersion;
  if (op.networkTransport) attrs[mcpAttributes.networkTransport] = op.networkTransport;
  if (op.serverUrl) {
    const url = new URL(op.serverUrl);
    attrs[mcpAttributes.serverAddress] = url.hostname;
    attrs[mcpAttributes.serverPort] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }
  return attrs;
}

/** Histograms are made on first use, after the process edge has registered its meter provider (or not). */
const histograms = new Map<string, Histogram>();
function durationHistogram(side: 'client' | 'server'): Histogram {
  const name = `mcp.${side}.operation.duration`;
  let h = histograms.get(name);
  if (!h) {
    h = metrics.getMeter(INSTRUMENTATION).createHistogram(name, {
      unit: 's',
      description: `Duration of MCP requests as seen by the ${side}`,
      advice: { explicitBucketBoundaries: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] },
    });
    histograms.set(name, h);
  }
  return h;
}

/**
 * Failed tool calls on the server, by `gen_ai.tool.name` and `error.type` (`tool_error` for a result with `isError`,
 * else the exception's kind). The semantic conventions define no such counter: it is the error share of
 * `mcp.server.operation.duration` made directly countable, since that is what an alert on a failing tool wants.
 */
export const TOOL_ERRORS_METRIC = 'mcp.server.tool.errors';
let toolErrors: Counter | undefined;
function toolErrorCounter(): Counter {
  toolErrors ??= metrics.getMeter(INSTRUMENTATION).createCounter(TOOL_ERRORS_METRIC, {
    unit: '{error}',
    description: 'MCP tools/call requests that ended in a tool error or an exception, by tool and error.type',
  });
  return toolErrors;
}

/** What a failure is called in `error.type`: the error's class name, or its own kind when it has one. */
export function errorTypeOf(err: unknown): string {
  const kind = (err as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string') return kind;
  return err instanceof Error ? err.name : 'unknown';
}

async function traced<T>(
  side: 'client' | 'server',
  op: McpOperation,
  parent: Context,
  run: (active: Context) => Promise<T>,
  isToolError: (result: T) => boolean,
): Promise<T> {
  const attributes = operationAttributes(op);
  const span: Span = trace
    .getTracer(INSTRUMENTATION)
    .startSpan(mcpSpanName(op), { kind: side === 'client' ? SpanKind.CLIENT : SpanKind.SERVER, attributes }, parent);
  const started = performance.now();
  // Only tools/call results are CallToolResults; every other method, and a span sampled out, records no content.
  const content =
    captureToolContent && op.method === 'tools/call' && span.isRecording() ? new ToolContentRedactor() : undefined;
  if (content) span.setAttribute(toolContentAttributes.arguments, content.arguments(op.toolArguments ?? {}));
  const end = (errorType?: string, message?: string) => {
    if (errorType) {
      span.setAttribute(mcpAttributes.errorType, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
    }
    span.end();
    durationHistogram(side).record((performance.now() - started) / 1000, {
      [mcpAttributes.method]: op.method,
      ...(op.tool ? { [mcpAttributes.toolName]: op.tool } : {}),
      ...(errorType ? { [mcpAttributes.errorType]: errorType } : {}),
    });
    if (side === 'server' && op.tool && errorType)
      toolErrorCounter().add(1, { [mcpAttributes.toolName]: op.tool, [mcpAttributes.errorType]: errorType });
  };
  const active = trace.setSpan(parent, span);
  try {
    const result = await context.with(active, () => run(active));
    const toolError = isToolError(result);
    // The conventions record a result only when the execution succeeded.
    if (content && !toolError) {
      const recorded = content.result(result as ToolResultLike | undefined);
      if (recorded !== undefined) span.setAttribute(toolContentAttributes.result, recorded);
    }
    end(toolError ? TOOL_ERROR : undefined);
    return result;
  } catch (err) {
    end(errorTypeOf(err), err instanceof Error ? err.message : undefined);
    throw err;
  }
}

/**
 * A CLIENT span around one request; `send` gets the `_meta` entries that carry the span's context to the server.
 */
export function traceMcpClientRequest<T>(
  op: McpOperation,
  send: (traceMeta: Record<string, string>) => Promise<T>,
  isToolError: (result: T) => boolean = () => false,
): Promise<T> {
  if (!enabled) return send({});
  return traced(
    'client',
    { networkTransport: 'tcp', ...op },
    context.active(),
    (active) => {
      const traceMeta: Record<string, string> = {};
      propagation.inject(active, traceMeta);
      return send(traceMeta);
    },
    isToolError,
  );
}

/**
 * A SERVER span around one request, continuing the caller's trace: from `_meta` when it carries one, else from what
 * the transport found (the HTTP `traceparent` header). Work started inside it (the tool's workflow) joins the trace.
 */
export function traceMcpServerRequest<T>(
  op: McpOperation,
  meta: Record<string, unknown> | undefined,
  handle: () => Promise<T>,
  isToolError: (result: T) => boolean = () => false,
): Promise<T> {
  if (!enabled) return handle();
  const transportContext = context.active();
  const networkTransport = (transportContext.getValue(MCP_NETWORK_TRANSPORT) as 'tcp' | undefined) ?? 'pipe';
  // A `_meta` without trace context leaves the transport's parent as it is.
  const parent = meta ? propagation.extract(transportContext, meta) : transportContext;
  return traced('server', { networkTransport, ...op }, parent, () => handle(), isToolError);
}

/** The context an HTTP request carries in its `traceparent`/`tracestate`/`baggage` headers, marked as over TCP. */
export function contextOfHttpRequest(headers: Headers): Context {
  if (!enabled) return context.active();
  const extracted = propagation.extract(context.active() ?? ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier.get(key) ?? undefined,
    keys: (carrier) => [...carrier.keys()],
  });
  return extracted.setValue(MCP_NETWORK_TRANSPORT, 'tcp');
}
