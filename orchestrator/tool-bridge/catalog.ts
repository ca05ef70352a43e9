/**
 * The tools the MCP servers list, kept in workflow state and expired by workflow time rather than cached in a worker
 * process: a turn needs no activity while a list is fresh, the decision is deterministic on replay, and the lists
 * survive worker restarts and continue-as-new. A 'private' list (`cacheScope`) stays within this one conversation, so
 * either scope may be kept here. A server that cannot be reached is noted as unavailable and asked again next turn.
 */
import { patched } from '@temporalio/workflow';
import { describeFailure } from '../../shared/temporal/failures';
import { MCP_2026_PATCH } from '../patches';
import {
  toolDomains,
  type ConversationState,
  type ToolDomain,
  type RemoteToolDescriptor,
} from '../contract/conversation';
import type { TurnLog } from '../transcript';
import { ItSession } from './it-session';
import type { ToolTransport } from './transport';

/** A server cannot make a conversation keep its tool list longer than this (the MCP SDK's own cap on `ttlMs`). */
const MAX_LIST_TTL_MS = 86_400_000;

export class ToolCatalog {
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly state: Pick<ConversationState, 'catalog' | 'catalogExpiresAt' | 'unavailable'>,
    private readonly mcp: ToolTransport,
    private readonly itSession: ItSession,
  ) {}

  /** The tools offered to the model, in the order the servers listed them. */
  get offered(): RemoteToolDescriptor[] {
    return this.state.catalog.filter((t) => !ItSession.isReserved(t));
  }

  /** Servers that could not be reached at the last discovery, with why. */
  get unavailable(): Partial<Record<ToolDomain, string>> {
    return this.state.unavailable;
  }

  /**
   * Lists the tools of every server missing from the catalog or whose list has expired; undefined when none is. One
   * discovery at a time: a turn that arrives while the start-up discovery runs waits for it.
   */
  refresh(turnLog: TurnLog): Promise<void> | undefined {
    if (this.refreshing) return this.refreshing;
    const askedAt = Date.now(); // before the request: the list is never kept past what the server allowed
    const due = this.due(askedAt);
    if (due.length === 0) return undefined;
    this.refreshing = this.list(due, askedAt, turnLog).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  forget(server: ToolDomain): void {
    this.state.catalog = this.state.catalog.filter((t) => t.server !== server);
  }

  private has(server: ToolDomain): boolean {
    return this.state.catalog.some((t) => t.server === server);
  }

  private due(askedAt: number): ToolDomain[] {
    const honourTtl = patched(MCP_2026_PATCH);
    return toolDomains.filter(
      (server) => !this.has(server) || (honourTtl && askedAt >= (this.state.catalogExpiresAt?.[server] ?? 0)),
    );
  }

  private async list(due: ToolDomain[], askedAt: number, turnLog: TurnLog): Promise<void> {
    await Promise.all(
      due.map(async (server) => {
        const known = this.has(server);
        try {
          const found = await this.mcp.discover(server);
          this.state.catalog = [...this.state.catalog.filter((t) => t.server !== server), ...found.tools];
          const ttlMs = Math.min(Math.max(0, found.ttlMs ?? 0), MAX_LIST_TTL_MS);
          this.state.catalogExpiresAt = { ...this.state.catalogExpiresAt, [server]: askedAt + ttlMs };
          this.itSession.adoptLegacyHandle(server, found);
          if (this.state.unavailable[server]) turnLog.notice(`The ${server} tool server is reachable again.`);
          delete this.state.unavailable[server];
        } catch (err) {
          if (this.itSession.endedAtDiscovery(server, err, turnLog)) return;
          const reason = describeFailure(err);
          // An expired list is still the best one there is: its tools stay offered, and the list is asked for again next turn.
          const consequence = known ? 'its tools may fail' : 'its tools are missing';
          if (this.state.unavailable[server] === undefined) {
            turnLog.notice(`The ${server} tool server is unavailable (${reason}); ${consequence} until it is back.`);
          }
          this.state.unavailable[server] = reason;
        }
      }),
    );
  }
}
