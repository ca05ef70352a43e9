/**
 * Spans inside the workflow sandbox without the OpenTelemetry SDK: a span here is a plain record (ids, parent, workflow
 * time, attributes, events, status) sent through the SDK's `exporter` sink when it ends; the worker's main thread turns
 * it into a real span for the configured processor (makeWorkflowExporter, installed by OpenTelemetryPlugin). Loading
 * the SDK's tracer in every run (a reusable V8 context gives each run a fresh module cache) was most of tracing's cost.
 *
 * Same behaviour as the SDK inside the sandbox, where it ran with its defaults: W3C trace context and baggage in the
 * `_tracer-data` header, parent-based always-on sampling, ids from the workflow's seeded Math.random drawn exactly as
 * its RandomIdGenerator draws them (16 hex digits a span, 32 more for a new trace). So a replay gets the same ids, the
 * workflow's random sequence is the one older code left to it, and spans of runs started before this change keep their
 * parents. Spans that end during replay are not exported (the sink is not called during replay).
 *
 * That is the behaviour of the 1.x package (@temporalio/interceptors-opentelemetry), kept on purpose: the 2.x package's
 * workflow interceptors draw ids from a named random stream of their own and await differently, so runs started under
 * the 1.x ones would not replay (its README warns of this). Only the records' shape is 2.x's (parentSpanContext,
 * instrumentationScope), since the 2.x package's sink rebuilds them as 2.x ReadableSpans; sink calls are not in history.
 */
import { ApplicationFailure, ApplicationFailureCategory, type Headers } from '@temporalio/common';
import type {
  OpenTelemetrySinks,
  SerializableSpan,
} from '@temporalio/interceptors-opentelemetry-v2/lib/workflow/definitions';
import { AsyncLocalStorage, defaultPayloadConverter, proxySinks, workflowInfo } from '@temporalio/workflow';

/** The header both Temporal OpenTelemetry packages use: a JSON payload of the W3C carrier. */
export const TRACE_HEADER = '_tracer-data';

const SAMPLED = 1;
const STATUS_UNSET = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const INTERNAL = 0;
const INSTRUMENTATION = { name: '@temporalio/interceptor-workflow' };

export interface SpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
}

/** What flows through the workflow's async context: the active span (or a remote parent) and the raw baggage. */
export interface TraceContext {
  span?: SpanContext;
  baggage?: string;
}

type AttributeValue = string | number | boolean;
type HrTime = [number, number];

/** As @opentelemetry/core's millisToHrTime. */
function hrTime(epochMillis: number): HrTime {
  return [Math.trunc(epochMillis / 1000), Math.round((epochMillis % 1000) * 1e6)];
}

/** As the SDK's browser RandomIdGenerator (the platform webpack bundles): one Math.random per hex digit. */
function randomHex(digits: number): string {
  let id = '';
  for (let i = 0; i < digits; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}

const TRACEPARENT = /^\s?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s?$/;
const INVALID_TRACE = /^0{32}$/;
const INVALID_SPAN = /^0{16}$/;

/** As W3CTraceContextPropagator.extract; undefined for a missing or invalid traceparent. */
function parseTraceparent(traceparent: unknown, tracestate: unknown): SpanContext | undefined {
  const value = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === 'ff' || (match[1] === '00' && match[5])) return undefined;
  const [, , traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (INVALID_TRACE.test(traceId) || INVALID_SPAN.test(spanId)) return undefined;
  const state = Array.isArray(tracestate) ? tracestate.join(',') : tracestate;
  return {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16),
    ...(typeof state === 'string' && state !== '' ? { traceState: state } : {}),
  };
}

/** The context a carrier describes, on top of `base` (what it does not name stays as in `base`). */
function extract(base: TraceContext, carrier: Record<string, unknown>): TraceContext {
  const span = parseTraceparent(carrier.traceparent, carrier.tracestate) ?? base.span;
  const baggage = typeof carrier.baggage === 'string' && carrier.baggage !== '' ? carrier.baggage : base.baggage;
  return { ...(span ? { span } : {}), ...(baggage ? { baggage } : {}) };
}

function carrierOf(context: TraceContext): Record<string, string> {
  const carrier: Record<string, string> = {};
  const { span, baggage } = context;
  if (span) {
    carrier.traceparent = `00-${span.traceId}-${span.spanId}-0${span.traceFlags.toString(16)}`;
    if (span.traceState) carrier.tracestate = span.traceState;
  }
  if (baggage) carrier.baggage = baggage;
  return carrier;
}

// One per run: this module is evaluated in each workflow's own module cache.
const storage = new AsyncLocalStorage<TraceContext>();
const ROOT: TraceContext = {};
let exporter: OpenTelemetrySinks['exporter'] | undefined;

/*
 * Where the active context lives. An AsyncLocalStorage's first run() turns Node's promise hooks on for the whole
 * workflow thread, and every promise of every run then pays for them: most of what tracing cost a short workflow. So
 * only the Signal and Update handlers' chains carry their context in `storage`. The rest resolves to what `storage`
 * gave before:
 * - a synchronous frame (`pinned`): an outbound call's span while it builds its headers, and the run's span while the
 *   workflow function runs to its first await;
 * - the main chain, whose promises never carry a store: the RunWorkflow span (`runContext`);
 * - code the SDK runs for an activation's jobs (`inActivation`: handler entry, conditions, queries): the root, as no
 *   store was set there.
 * So every span keeps its parent, and a span draws a trace id exactly when it did (replay depends on the draws).
 */
let pinned: TraceContext | undefined;
let runContext: TraceContext | undefined;
let inActivation = false;

export const activeContext = (): TraceContext =>
  pinned ?? storage.getStore() ?? (inActivation ? ROOT : (runContext ?? ROOT));

/** Marks the SDK's job processing of one activation (the internals interceptor's `activate`). */
export function duringActivation<T>(fn: () => T): T {
  const outer = inActivation;
  inActivation = true;
  try {
    return fn();
  } finally {
    inActivation = outer;
  }
}

/** Runs `fn` with `context` active for its synchronous part only. */
function inFrame<T>(context: TraceContext, fn: () => T): T {
  const outer = pinned;
  pinned = context;
  try {
    return fn();
  } finally {
    pinned = outer;
  }
}

/** The context in Temporal headers, on top of the active one; undefined when the headers carry none. */
export function contextFromHeaders(headers: Headers): TraceContext | undefined {
  const payload = headers[TRACE_HEADER];
  if (payload === undefined) return undefined;
  return extract(activeContext(), defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload));
}

/** As contextFromHeaders, for Nexus headers (a plain string map carrying the W3C fields themselves). */
export function contextFromNexusHeaders(headers: Record<string, string>): TraceContext | undefined {
  if (Object.keys(headers).length === 0) return undefined;
  return extract(activeContext(), headers);
}

/** The headers with the active context in `_tracer-data`. */
export function headersWithContext(headers: Headers): Headers {
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrierOf(activeContext())) };
}

/** Nexus headers with the active context's W3C fields. */
export function nexusHeadersWithContext(headers: Record<string, string>): Record<string, string> {
  return { ...headers, ...carrierOf(activeContext()) };
}

export class WorkflowSpan {
  readonly context: SpanContext;
  private readonly recording: boolean;
  private readonly startMillis = Date.now();
  private readonly attributes: Record<string, AttributeValue> = {};
  private readonly events: { name: string; attributes: Record<string, AttributeValue>; time: HrTime }[] = [];
  private status: { code: number; message?: string } = { code: STATUS_UNSET };

  constructor(
    readonly name: string,
    private readonly parent: SpanContext | undefined,
  ) {
    // Same draw order as the SDK's tracer: the span id first, then a trace id only for a new trace.
    const spanId = randomHex(16);
    const traceId = parent ? parent.traceId : randomHex(32);
    this.recording = parent ? (parent.traceFlags & SAMPLED) === SAMPLED : true;
    this.context = {
      traceId,
      spanId,
      traceFlags: this.recording ? SAMPLED : 0,
      ...(parent?.traceState ? { traceState: parent.traceState } : {}),
    };
  }

  setAttribute(key: string, value: AttributeValue | undefined): void {
    if (value != null) this.attributes[key] = value;
  }

  setStatus(status: { code: number; message?: string }): void {
    this.status = { ...status };
  }

  /** As Span.recordException: an `exception` event with the error's type, message and stack. */
  recordException(err: unknown): void {
    const attributes: Record<string, AttributeValue> = {};
    if (typeof err === 'string') attributes['exception.message'] = err;
    else if (err && typeof err === 'object') {
      const { code, name, message, stack } = err as {
        code?: unknown;
        name?: unknown;
        message?: unknown;
        stack?: unknown;
      };
      if (code) attributes['exception.type'] = String(code);
      else if (typeof name === 'string' && name) attributes['exception.type'] = name;
      if (typeof message === 'string' && message) attributes['exception.message'] = message;
      if (typeof stack === 'string' && stack) attributes['exception.stacktrace'] = stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.events.push({ name: 'exception', attributes, time: hrTime(Date.now()) });
  }

  /** Sends the span to the worker, unless it is not sampled or this task replays (nothing to build then). */
  end(): void {
    if (!this.recording || workflowInfo().unsafe.isReplaying) return;
    const endMillis = Date.now();
    const span: SerializableSpan = {
      name: this.name,
      kind: INTERNAL,
      spanContext: this.context,
      ...(this.parent ? { parentSpanContext: this.parent } : {}),
      startTime: hrTime(this.startMillis),
      endTime: hrTime(endMillis),
      status: this.status,
      attributes: this.attributes,
      links: [],
      events: this.events.map((e) => ({ ...e, droppedAttributesCount: 0 })),
      duration: hrTime(endMillis - this.startMillis),
      ended: true,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      instrumentationScope: INSTRUMENTATION,
    };
    exporter ??= proxySinks<OpenTelemetrySinks>().exporter;
    exporter.export([span]);
  }
}

/** As the SDK's span wrapper: OK on success; an error sets ERROR (UNSET when benign) and is recorded, unless acceptable. */
async function wrapWithSpan<T>(
  span: WorkflowSpan,
  fn: (span: WorkflowSpan) => Promise<T>,
  acceptableErrors?: (err: unknown) => boolean,
): Promise<T> {
  try {
    const ret = await fn(span);
    span.setStatus({ code: STATUS_OK });
    return ret;
  } catch (err) {
    if (acceptableErrors === undefined || !acceptableErrors(err)) {
      const benign = err instanceof ApplicationFailure && err.category === ApplicationFailureCategory.BENIGN;
      const message = err != null && typeof (err as Error).message === 'string' ? (err as Error).message : String(err);
      span.setStatus({ code: benign ? STATUS_UNSET : STATUS_ERROR, message });
      span.recordException(err);
    } else {
      span.setStatus({ code: STATUS_OK });
    }
    throw err;
  } finally {
    span.end();
  }
}

/**
 * How long a span stays active: `handler` across its whole async chain (a Signal or Update handler, in `storage`);
 * `run` for the workflow function (a frame, then the main chain's fallback); `frame` for its synchronous part only
 * (an outbound call that reads the context before its first await).
 */
export type SpanScope = 'handler' | 'run' | 'frame';

function activate<T>(scope: SpanScope, context: TraceContext, fn: () => T): T {
  if (scope === 'handler') return storage.run(context, fn);
  if (scope === 'run') runContext = context;
  return inFrame(context, fn);
}

/** A new span under the active context, active while `fn` runs (as Tracer.startActiveSpan). */
function startActiveSpan<T>(name: string, scope: SpanScope, fn: (span: WorkflowSpan) => T): T {
  const base = activeContext();
  const span = new WorkflowSpan(name, base.span);
  return activate(scope, { ...base, span: span.context }, () => fn(span));
}

export interface InstrumentOptions<T> {
  spanName: string;
  scope: SpanScope;
  fn: (span: WorkflowSpan) => Promise<T>;
  /** The parent from headers; the active context when undefined. */
  context?: TraceContext;
  acceptableErrors?: (err: unknown) => boolean;
}

/**
 * Runs `fn` in a span that ends when it settles. The awaits are laid out as in the SDK's `instrument`, so a workflow
 * resumes after as many microtasks as before and concurrent branches issue their commands in the same order.
 */
export async function instrument<T>({
  spanName,
  scope,
  fn,
  context,
  acceptableErrors,
}: InstrumentOptions<T>): Promise<T> {
  if (context) {
    const inHeaders = async () => {
      return await startActiveSpan(spanName, scope, async (span) => await wrapWithSpan(span, fn, acceptableErrors));
    };
    return await (scope === 'handler' ? storage.run(context, inHeaders) : inFrame(context, inHeaders));
  }
  return await startActiveSpan(spanName, scope, async (span) => await wrapWithSpan(span, fn, acceptableErrors));
}

/** Releases the run's async context when the workflow is disposed. */
export function disposeTracing(): void {
  storage.disable();
}
