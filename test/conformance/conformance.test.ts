/**
 * The public MCP conformance suite (@modelcontextprotocol/conformance) against the real Finance and IT MCP servers:
 * both Temporal-backed stacks on real loopback HTTP, and for each server and each requirement set the suite ships
 * (2025-11-25 at the initialize-handshake wire, 2026-07-28 at the stateless `_meta` wire) one run of
 * `conformance server --url … --requirements <revision>` as a Node 22 subprocess. Every scenario of the set is a test
 * here, scored or not: a scenario (or a check) either applies and must pass, or is listed in NOT_APPLICABLE with the
 * reason and the prerequisites it needs. A prerequisite is checked against the server at run time (its capabilities,
 * tools, prompts, resources and sessions, asked for by probeServer), so an entry stops excusing anything the day the
 * server gains what the scenario needs.
 *
 * A check passes with SUCCESS, INFO or SKIPPED (SKIPPED is the suite's own "does not apply here"). FAILURE fails, and
 * so does WARNING (a SHOULD not met): the suite's exit code ignores warnings, this test does not. `wire-schema-valid`
 * (every JSON-RPC message our server sent validates against the revision's schema) must pass in every scenario, even
 * one that does not apply; `wire-schema-harness-error` reports a bug in the suite itself and is never held against us.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToolServers, type ToolServers } from '../support/tool-servers';
import {
  probeServer,
  requirementSet,
  REVISIONS,
  runSuite,
  suiteSource,
  type Check,
  type RequirementSet,
  type Revision,
  type ServerFacts,
  type SuiteRun,
} from './runner';

/** What a scenario needs from the server before it can say anything about it. */
type Need =
  | { capability: 'prompts' | 'resources' | 'completions' | 'logging' }
  | { tool: string }
  | { prompt: string }
  | { resource: string }
  | { resourceTemplate: string }
  | { extension: string }
  | { sessions: true }
  | { customHeaderParams: true };

interface NotApplicable {
  scenario: string;
  /** Only these checks of the scenario; without it, the whole scenario. */
  checks?: string[];
  /** Only at these revisions; without it, wherever the scenario is in the requirement set. */
  revisions?: Revision[];
  /** Not applicable while the server lacks any of these. */
  needs: Need[];
  reason: string;
}

// Fixture tools, prompts and resources (test_simple_text, test_prompt_with_arguments, test://static-text, …) are the
// ones the SDKs' conformance "everything" servers register for the suite; a server with only our seven tools has none.
const tool = (name: string): Need => ({ tool: name });
const prompt = (name: string): Need => ({ prompt: name });
const TASKS = 'io.modelcontextprotocol/tasks';

const NOT_APPLICABLE: NotApplicable[] = [
  // Tools the suite calls by name: each returns a canned result shape (image, audio, …) ours never produce.
  {
    scenario: 'tools-call-simple-text',
    needs: [tool('test_simple_text')],
    reason: 'calls the fixture tool test_simple_text and expects its fixed text',
  },
  {
    scenario: 'tools-call-image',
    needs: [tool('test_image_content')],
    reason:
      'calls the fixture tool test_image_content (image content); our tools return text and structured content only',
  },
  {
    scenario: 'tools-call-audio',
    needs: [tool('test_audio_content')],
    reason:
      'calls the fixture tool test_audio_content (audio content); our tools return text and structured content only',
  },
  {
    scenario: 'tools-call-embedded-resource',
    needs: [tool('test_embedded_resource')],
    reason: 'calls the fixture tool test_embedded_resource (embedded resource content); ours embed none',
  },
  {
    scenario: 'tools-call-mixed-content',
    needs: [tool('test_multiple_content_types')],
    reason: 'calls the fixture tool test_multiple_content_types (text + image + resource)',
  },
  {
    scenario: 'tools-call-error',
    needs: [tool('test_error_handling')],
    reason:
      'calls the fixture tool test_error_handling, which always fails; our isError results are covered by test/finance and test/it',
  },
  {
    scenario: 'tools-call-with-progress',
    needs: [tool('test_tool_with_progress')],
    reason:
      'calls the fixture tool test_tool_with_progress and expects three progress notifications; our tools report no progress',
  },
  {
    scenario: 'tools-call-with-logging',
    needs: [{ capability: 'logging' }, tool('test_tool_with_logging')],
    reason:
      'sets logging/setLevel, then calls the fixture tool test_tool_with_logging and expects three log notifications',
  },
  // Server-to-client requests in the middle of a tool call (2025 wire): our tools never ask the client for anything.
  {
    scenario: 'tools-call-sampling',
    needs: [tool('test_sampling')],
    reason: 'calls the fixture tool test_sampling, which sends sampling/createMessage to the client',
  },
  {
    scenario: 'tools-call-elicitation',
    needs: [tool('test_elicitation')],
    reason: 'calls the fixture tool test_elicitation, which sends elicitation/create to the client',
  },
  {
    scenario: 'elicitation-sep1034-defaults',
    needs: [tool('test_elicitation_sep1034_defaults')],
    reason: 'calls the fixture tool test_elicitation_sep1034_defaults (elicitation schema defaults)',
  },
  {
    scenario: 'elicitation-sep1330-enums',
    needs: [tool('test_elicitation_sep1330_enums')],
    reason: 'calls the fixture tool test_elicitation_sep1330_enums (elicitation enum schemas)',
  },
  {
    scenario: 'json-schema-2020-12',
    needs: [tool('json_schema_2020_12_tool')],
    reason:
      'looks for the fixture tool json_schema_2020_12_tool and checks its $schema/$defs/additionalProperties survive tools/list',
  },
  {
    scenario: 'server-sse-polling',
    needs: [tool('test_reconnection')],
    reason:
      'calls the fixture tool test_reconnection, which closes its SSE stream mid-call so that the client resumes it with Last-Event-ID (SSE polling)',
  },
  // Capabilities our servers do not declare (logging), or fixtures they do not have.
  {
    scenario: 'logging-set-level',
    needs: [{ capability: 'logging' }],
    reason: 'logging/setLevel, for servers that send log notifications; ours send none',
  },
  {
    scenario: 'completion-complete',
    needs: [{ capability: 'completions' }, prompt('test_prompt_with_arguments')],
    reason: 'completion/complete for an argument of the fixture prompt test_prompt_with_arguments',
  },
  // Resources and prompts: the list scenarios take whatever the server lists, the others read fixtures by name.
  {
    scenario: 'resources-list',
    needs: [{ capability: 'resources' }],
    reason: 'resources/list, for servers that offer resources',
  },
  {
    scenario: 'resources-read-text',
    needs: [{ resource: 'test://static-text' }],
    reason: 'resources/read of the fixture text resource test://static-text',
  },
  {
    scenario: 'resources-read-binary',
    needs: [{ resource: 'test://static-binary' }],
    reason: 'resources/read of the fixture binary resource test://static-binary',
  },
  {
    scenario: 'resources-templates-read',
    needs: [{ resourceTemplate: 'test://template/{id}/data' }],
    reason:
      'resources/read of test://template/123/data through the fixture resource template test://template/{id}/data',
  },
  ...['resources-subscribe', 'resources-unsubscribe'].map((scenario): NotApplicable => ({
    scenario,
    needs: [{ resource: 'test://watched-resource' }],
    reason: 'resources/(un)subscribe to the fixture resource test://watched-resource',
  })),
  {
    scenario: 'prompts-list',
    needs: [{ capability: 'prompts' }],
    reason: 'prompts/list, for servers that offer prompts',
  },
  ...(
    [
      ['prompts-get-simple', 'test_simple_prompt'],
      ['prompts-get-with-args', 'test_prompt_with_arguments'],
      ['prompts-get-embedded-resource', 'test_prompt_with_embedded_resource'],
      ['prompts-get-with-image', 'test_prompt_with_image'],
    ] as const
  ).map(([scenario, fixture]): NotApplicable => ({
    scenario,
    needs: [prompt(fixture)],
    reason: `prompts/get of the fixture prompt ${fixture}`,
  })),
  // Sessions (2025 wire). The Finance server is stateless by design; the IT server keeps a session per client.
  {
    scenario: 'server-sse-multiple-streams',
    revisions: ['2025-11-25'],
    needs: [{ sessions: true }],
    reason:
      'at the 2025 wire it opens three concurrent POST streams on one session; without an Mcp-Session-Id it stops at a warning and checks nothing',
  },
  {
    scenario: 'server-session-lifecycle',
    needs: [{ sessions: true }],
    reason: 'DELETE of a session and 404 for it afterwards; a stateless server has no session to end',
  },
  // 2026-07-28: checks inside otherwise applicable scenarios.
  {
    scenario: 'server-stateless',
    checks: ['sep-2575-server-rejects-undeclared-capability', 'sep-2575-missing-capability-http-400'],
    needs: [tool('test_missing_capability')],
    reason:
      'calls the diagnostic tool test_missing_capability, which needs the client sampling capability, and expects -32021 with HTTP 400; our tools need no client capability',
  },
  {
    scenario: 'server-stateless',
    checks: ['sep-2575-http-server-no-independent-requests-on-stream'],
    needs: [tool('test_streaming_elicitation')],
    reason: 'inspects the response stream of the diagnostic tool test_streaming_elicitation; our tools stream nothing',
  },
  {
    scenario: 'server-stateless',
    checks: ['sep-2575-server-no-log-without-loglevel'],
    needs: [tool('test_logging_tool')],
    reason:
      'calls the diagnostic tool test_logging_tool and checks no log arrives without _meta logLevel; our tools log nothing to the client',
  },
  {
    scenario: 'server-stateless',
    checks: ['sep-2575-server-sends-tools-list-changed-on-subscription'],
    needs: [tool('test_trigger_tool_change')],
    reason:
      'needs the diagnostic tool test_trigger_tool_change to change the tool list while a subscriptions/listen stream is open; our tool list never changes',
  },
  {
    scenario: 'server-stateless',
    checks: ['sep-2575-server-sends-prompts-list-changed-on-subscription'],
    needs: [{ capability: 'prompts' }, tool('test_trigger_prompt_change')],
    reason:
      'prompt list changes on a subscriptions/listen stream, triggered by the diagnostic tool test_trigger_prompt_change',
  },
  {
    scenario: 'caching',
    checks: ['sep-2549-prompts-list-caching-hints'],
    needs: [{ capability: 'prompts' }],
    reason: 'ttlMs/cacheScope on prompts/list',
  },
  {
    scenario: 'caching',
    checks: [
      'sep-2549-resources-list-caching-hints',
      'sep-2549-resources-templates-list-caching-hints',
      'sep-2549-resources-read-caching-hints',
    ],
    needs: [{ capability: 'resources' }],
    reason: 'ttlMs/cacheScope on resources/list, resources/templates/list and resources/read',
  },
  {
    scenario: 'sep-2164-resource-not-found',
    checks: ['sep-2164-error-code', 'sep-2164-data-uri'],
    needs: [{ capability: 'resources' }],
    reason:
      'SHOULDs for servers that serve resources (-32602 with data.uri for an unknown URI); without the resources capability resources/read is an unknown method and -32601 is the right answer. The MUST (no empty contents) still applies',
  },
  // SEP-2322 multi-round-trip requests: every check calls the suite's fixture tools by name. Our one tool that asks
  // (create_jira_issue, for an approval) is held to the same checks by test/it/approval-mcp.test.ts.
  ...(
    [
      ['input-required-result-basic-elicitation', 'test_input_required_result_elicitation'],
      ['input-required-result-basic-sampling', 'test_input_required_result_sampling'],
      ['input-required-result-basic-list-roots', 'test_input_required_result_list_roots'],
      ['input-required-result-request-state', 'test_input_required_result_request_state'],
      ['input-required-result-multiple-input-requests', 'test_input_required_result_multiple_inputs'],
      ['input-required-result-multi-round', 'test_input_required_result_multi_round'],
      ['input-required-result-missing-input-response', 'test_input_required_result_elicitation'],
      ['input-required-result-result-type', 'test_input_required_result_elicitation'],
      ['input-required-result-tampered-state', 'test_input_required_result_tampered_state'],
      ['input-required-result-capability-check', 'test_input_required_result_capabilities'],
      ['input-required-result-ignore-extra-params', 'test_input_required_result_elicitation'],
      // Passes against any server without the fixture (the unknown-tool error counts as "not a complete result"),
      // so a pass here would prove nothing.
      ['input-required-result-validate-input', 'test_input_required_result_elicitation'],
    ] as const
  ).map(([scenario, fixture]): NotApplicable => ({
    scenario,
    needs: [tool(fixture)],
    reason: `calls the fixture tool ${fixture}, which answers with an InputRequiredResult (elicitation, sampling or roots input); our own asking tool, create_jira_issue, is checked in test/it/approval-mcp.test.ts`,
  })),
  {
    scenario: 'input-required-result-non-tool-request',
    needs: [prompt('test_input_required_result_prompt')],
    reason:
      'prompts/get of the fixture prompt test_input_required_result_prompt, which answers with an InputRequiredResult',
  },
  {
    scenario: 'http-custom-header-server-validation',
    needs: [{ customHeaderParams: true }],
    reason: 'SEP-2243 Mcp-Param-* headers, which exist only for tool parameters annotated x-mcp-header',
  },
  // Tasks scenarios that consist only of checks on the suite's fixture tools (no check there runs without them).
  {
    scenario: 'tasks-lifecycle',
    revisions: ['2026-07-28'],
    needs: [tool('greet'), tool('slow_compute'), tool('failing_job'), tool('protocol_error_job')],
    reason:
      "every check drives the greet / slow_compute / failing_job / protocol_error_job fixture tools of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  {
    scenario: 'tasks-wire-fields',
    revisions: ['2026-07-28'],
    needs: [tool('slow_compute')],
    reason:
      "every check drives the slow_compute fixture tool of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  {
    scenario: 'tasks-request-state-removal',
    revisions: ['2026-07-28'],
    needs: [tool('slow_compute')],
    reason:
      "every check drives the slow_compute fixture tool of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  {
    scenario: 'tasks-mrtr-input',
    revisions: ['2026-07-28'],
    needs: [tool('confirm_delete'), tool('multi_input')],
    reason:
      "every check drives the confirm_delete / multi_input fixture tools of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  {
    scenario: 'tasks-required-task-error',
    revisions: ['2026-07-28'],
    needs: [tool('failing_job')],
    reason:
      "every check drives the failing_job fixture tool of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  {
    scenario: 'tasks-mrtr-composition',
    revisions: ['2026-07-28'],
    needs: [tool('test_tool_with_task')],
    reason:
      "every check drives the test_tool_with_task fixture tool of the tasks extension; our own tools' task behaviour is proven in test/tasks",
  },
  // The Tasks extension (SEP-2663): both servers implement it (each task a Temporal workflow; test/tasks proves it on
  // our own tools), so every check of the tasks-* scenarios is judged, except those that drive the suite's fixture
  // tools (greet, slow_compute, failing_job, …), which a server with only our tools does not have.
  ...(
    [
      ['tasks-capability-negotiation', 'sep-2663-server-rejects-undeclared-client', 'slow_compute'],
      ['tasks-capability-negotiation', 'tasks-per-request-meta-opt-in', 'slow_compute'],
      ['tasks-request-headers', 'tasks-headers-tolerate-mcp-method-on-tools-call', 'greet'],
      ['tasks-request-headers', 'sep-2663-routing-headers-accepted-on-tasks-get', 'slow_compute'],
      ['tasks-request-headers', 'sep-2663-server-rejects-mismatched-mcp-name-on-tasks-get', 'slow_compute'],
      ['tasks-dispatch-and-envelope', 'tasks-server-directed-creation-no-hint', 'failing_job'],
      ['tasks-dispatch-and-envelope', 'sep-2663-legacy-task-param-ignored', 'greet'],
      ['tasks-dispatch-and-envelope', 'tasks-immediate-result-shortcut', 'slow_compute'],
      ['tasks-dispatch-and-envelope', 'tasks-result-type-complete-on-non-task-responses', 'greet'],
      ['tasks-dispatch-and-envelope', 'sep-2663-durable-create-strong-consistency', 'slow_compute'],
    ] as const
  ).map(([scenario, check, fixture]): NotApplicable => ({
    scenario,
    checks: [check],
    revisions: ['2026-07-28'],
    needs: [tool(fixture)],
    reason: `drives the ${TASKS} fixture tool ${fixture}; our own tools' task behaviour is proven in test/tasks`,
  })),
];

/** Why the server does not meet a need, or undefined when it does. Without facts (the probe failed), nothing is met. */
function unmet(need: Need, facts: ServerFacts | undefined): string | undefined {
  if ('capability' in need)
    return facts?.capabilities[need.capability] === undefined ? `declares no ${need.capability} capability` : undefined;
  if ('tool' in need) return facts?.tools.some((t) => t.name === need.tool) ? undefined : `lists no tool ${need.tool}`;
  if ('prompt' in need) return facts?.prompts.includes(need.prompt) ? undefined : `lists no prompt ${need.prompt}`;
  if ('resource' in need)
    return facts?.resources.includes(need.resource) ? undefined : `lists no resource ${need.resource}`;
  if ('resourceTemplate' in need)
    return facts?.resourceTemplates.includes(need.resourceTemplate)
      ? undefined
      : `lists no resource template ${need.resourceTemplate}`;
  if ('extension' in need) {
    const extensions = facts?.capabilities.extensions as Record<string, unknown> | undefined;
    return extensions?.[need.extension] === undefined ? `does not advertise ${need.extension}` : undefined;
  }
  if ('sessions' in need) return facts?.issuesSessions ? undefined : 'issues no Mcp-Session-Id';
  const annotated = facts?.tools.some((t) =>
    Object.values(t.inputSchema?.properties ?? {}).some((p) => p['x-mcp-header'] !== undefined),
  );
  return annotated ? undefined : 'has no x-mcp-header tool parameter';
}

interface Excuse {
  reason: string;
  /** The unmet needs, as evidence. */
  why: string;
}

function excuseFor(
  scenario: string,
  revision: Revision,
  facts: ServerFacts | undefined,
  checkId?: string,
): Excuse | undefined {
  for (const entry of NOT_APPLICABLE) {
    if (entry.scenario !== scenario || (entry.revisions && !entry.revisions.includes(revision))) continue;
    if (checkId === undefined ? entry.checks !== undefined : !entry.checks?.includes(checkId)) continue;
    const missing = entry.needs.map((n) => unmet(n, facts)).filter((m): m is string => m !== undefined);
    if (missing.length > 0) return { reason: entry.reason, why: `the server ${missing.join(', ')}` };
  }
  return undefined;
}

const PASSING: ReadonlySet<Check['status']> = new Set(['SUCCESS', 'INFO', 'SKIPPED']);

/** The failing checks of one scenario, each named; the whole-scenario excuse, if any. */
function judge(label: string, scenario: string, checks: Check[], revision: Revision, facts: ServerFacts | undefined) {
  const whole = excuseFor(scenario, revision, facts);
  const failures: string[] = [];
  let judged = 0;
  for (const check of checks) {
    if (check.id === 'wire-schema-harness-error') continue; // the suite sent an invalid message itself: its bug, not ours
    const excused = check.id !== 'wire-schema-valid' && (whole ?? excuseFor(scenario, revision, facts, check.id));
    if (excused) continue;
    judged++;
    if (!PASSING.has(check.status)) {
      failures.push(
        `${label} › ${scenario} › ${check.id}: ${check.status}: ${check.errorMessage ?? check.description}`,
      );
    }
  }
  if (!whole && judged === checks.filter((c) => c.id === 'wire-schema-valid').length) {
    failures.push(
      `${label} › ${scenario}: no check of its own was judged (${checks.map((c) => `${c.id} ${c.status}`).join(', ') || 'no checks at all'})`,
    );
  }
  return { whole, failures };
}

const SERVERS = ['finance', 'it'] as const;
type ServerName = (typeof SERVERS)[number];

let servers: ToolServers;
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(async () => {
  await servers?.close();
});

const urlOf = (server: ServerName) => (server === 'finance' ? servers.finance.url : servers.itHttp.url);

interface Outcome {
  run: SuiteRun;
  facts?: ServerFacts;
  probeError?: Error;
}
const outcomes = new Map<string, Promise<Outcome>>();

/** The probe and the suite run for one server at one revision, started once by whichever test needs them first. */
function outcome(server: ServerName, revision: Revision): Promise<Outcome> {
  const key = `${server}@${revision}`;
  let pending = outcomes.get(key);
  if (!pending) {
    pending = (async () => {
      const url = urlOf(server);
      const probed = await probeServer(url, revision).then(
        (facts) => ({ facts }),
        (err: Error) => ({ probeError: err }),
      );
      const run = await runSuite(url, revision);
      console.log(
        `conformance ${revision} against the ${server} server: ${run.results.size} scenarios in ${(run.durationMs / 1000).toFixed(1)} s (suite exit code ${run.exitCode})`,
      );
      return { run, ...probed };
    })();
    outcomes.set(key, pending);
  }
  return pending;
}

describe('the not-applicable list', () => {
  it('names only scenarios of the requirement sets, and checks, tools and extensions the suite knows', () => {
    const sets: RequirementSet[] = REVISIONS.map(requirementSet);
    const source = suiteSource();
    const stale: string[] = [];
    for (const entry of NOT_APPLICABLE) {
      const inSets = sets.filter(
        (s) => (entry.revisions ?? REVISIONS).includes(s.revision) && s.scenarios.includes(entry.scenario),
      );
      if (inSets.length === 0)
        stale.push(
          `${entry.scenario}: in no requirement set${entry.revisions ? ` of ${entry.revisions.join(', ')}` : ''}`,
        );
      for (const id of entry.checks ?? [])
        if (!source.includes(`\`${id}\``)) stale.push(`${entry.scenario} › ${id}: the suite emits no such check`);
      for (const need of entry.needs) {
        for (const [kind, name] of Object.entries(need)) {
          if (['tool', 'prompt', 'resource', 'resourceTemplate'].includes(kind) && !source.includes(String(name)))
            stale.push(`${entry.scenario}: the suite never mentions the ${kind} ${name}`);
        }
        if ('extension' in need && !source.includes(need.extension))
          stale.push(`${entry.scenario}: the suite never mentions ${need.extension}`);
      }
    }
    expect(stale).toEqual([]);
  });
});

for (const server of SERVERS) {
  describe(`${server} MCP server`, () => {
    for (const revision of REVISIONS) {
      const set = requirementSet(revision);
      const label = `${server} @ ${revision}`;
      describe(`requirements ${revision}`, { timeout: 150_000 }, () => {
        it(`answers a ${revision} client (the facts the not-applicable list is checked against)`, async () => {
          const { probeError } = await outcome(server, revision);
          expect(probeError?.message, `${label}: probing capabilities and tools failed`).toBeUndefined();
        });

        it('the suite ran to its summary', async () => {
          const { run } = await outcome(server, revision);
          expect(
            run.output,
            `${label}: the suite did not finish (exit code ${run.exitCode}):\n${run.output.slice(-4000)}`,
          ).toContain('=== SUMMARY ===');
          expect([0, 1], `${label}: suite exit code`).toContain(run.exitCode);
        });

        for (const scenario of set.scenarios) {
          const notScored = set.notScored.find((e) => e.scenario === scenario);
          it(`${scenario}${notScored ? ` (not scored: ${notScored.reason})` : ''}`, async (ctx) => {
            const { run, facts } = await outcome(server, revision);
            const checks = run.results.get(scenario);
            if (!checks) {
              // The suite catches a scenario that throws, prints "Failed to run scenario <name>: <error>" and writes
              // no checks.json for it.
              const at = run.output.indexOf(`Failed to run scenario ${scenario}:`);
              const crash =
                at >= 0
                  ? run.output.slice(at, at + 600)
                  : `no results and no error message; suite output:\n${run.output.slice(-2000)}`;
              const whole = excuseFor(scenario, revision, facts);
              if (whole)
                ctx.skip(
                  `not applicable: ${whole.reason} (${whole.why}); the suite crashed on it: ${crash.split('\n')[0]}`,
                );
              expect.fail(`${label} › ${scenario}: the suite crashed on it: ${crash}`);
            }
            const { whole, failures } = judge(label, scenario, checks, revision, facts);
            expect(failures, `${label}: ${scenario} failed`).toEqual([]);
            if (whole) ctx.skip(`not applicable: ${whole.reason} (${whole.why})`);
          });
        }
      });
    }
  });
}
