/**
 * "What is my IP": the public address as a service such as ipify sees it (https://www.ipify.org/):
 *   GET https://api.ipify.org?format=json -> 200 {"ip": "203.0.113.7"}   (without format=json: the bare address)
 * When no service is configured, or it fails, the host's primary interface address answers instead, and `detail`
 * says why, so a private address is never passed off as the public one.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import { Agent, request } from 'undici';
import type { IpObservation } from '../contract';

export interface IpLookupOptions {
  /** The public IP service; undefined skips the public lookup. */
  url?: string;
  timeoutMs: number;
  /** Injectable for tests; defaults to os.networkInterfaces. */
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

// An IP answer is tiny; anything longer is not one (an HTML error page, a captive portal).
const MAX_BODY_CHARS = 1024;

class LookupFailed extends Error {}

export class IpLookup {
  private readonly agent?: Agent;
  private readonly interfaces: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;

  constructor(private readonly opts: IpLookupOptions) {
    this.interfaces = opts.interfaces ?? os.networkInterfaces;
    // One pooled keep-alive agent: repeated lookups reuse the connection to the service.
    if (opts.url) {
      this.agent = new Agent({
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        connectTimeout: opts.timeoutMs,
      });
    }
  }

  async lookup(): Promise<IpObservation> {
    if (!this.opts.url) return this.local('no public IP service configured');
    try {
      return await this.publicLookup(this.opts.url);
    } catch (err) {
      const reason = err instanceof LookupFailed ? err.message : `unexpected error: ${(err as Error).message}`;
      return this.local(`public lookup failed: ${reason}`);
    }
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  private async publicLookup(url: string): Promise<IpObservation> {
    const host = new URL(url).host;
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: { accept: 'application/json, text/plain' },
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as { name?: string; code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(e.code ?? '')) {
        throw new LookupFailed(`timed out after ${this.opts.timeoutMs} ms`);
      }
      throw new LookupFailed(`${host} is unreachable (${e.code ?? (err as Error).message})`);
    }
    if (status !== 200) throw new LookupFailed(`${host} answered HTTP ${status}`);
    const ip = parseIpBody(text);
    if (!ip) throw new LookupFailed(`${host} answered something that is not an IP address`);
    return { ip, source: 'public-ip-service', detail: `public IP as seen by ${host}` };
  }

  private local(why: string): IpObservation {
    const { ip, name } = primaryAddress(this.interfaces());
    const where = name ? `primary interface ${name}` : 'no external interface, loopback';
    return { ip, source: 'local-interface', detail: `${why}; ${where}` };
  }
}

/** ipify's JSON ({"ip": "..."}) or a plain-text body that is just the address. */
export function parseIpBody(text: string): string | null {
  if (text.length > MAX_BODY_CHARS) return null;
  const trimmed = text.trim();
  let candidate: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      candidate = (JSON.parse(trimmed) as { ip?: unknown }).ip;
    } catch {
      return null;
    }
  }
  return typeof candidate === 'string' && isIP(candidate) !== 0 ? candidate : null;
}

/** First non-internal IPv4, else non-internal IPv6 (global before link-local), else 127.0.0.1. */
export function primaryAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): { ip: string; name?: string } {
  const all = Object.entries(interfaces).flatMap(([name, infos]) => (infos ?? []).map((info) => ({ name, info })));
  // Node 18.0-18.3 reported family as a number; accept both spellings.
  const family = (info: os.NetworkInterfaceInfo) => String(info.family).replace(/^(\d)$/, 'IPv$1');
  const external = all.filter(({ info }) => !info.internal);
  const pick =
    external.find(({ info }) => family(info) === 'IPv4') ??
    external.find(({ info }) => family(info) === 'IPv6' && !/^fe80:/i.test(info.address)) ??
    external.find(({ info }) => family(info) === 'IPv6');
  return pick ? { ip: pick.info.address, name: pick.name } : { ip: '127.0.0.1' };
}
