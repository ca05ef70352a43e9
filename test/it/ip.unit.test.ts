import { isIP } from 'node:net';
import type os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpLookup, primaryAddress } from '../../tool-workers/it/ip/lookup';
import { startIpifyFake, type IpifyFake } from '../fakes/ipify';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
  ({
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  }) as os.NetworkInterfaceInfo;

const hostInterfaces = () => ({
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('fe80::1', 'IPv6'), iface('10.1.2.3', 'IPv4')],
});

let fake: IpifyFake;
let lookup: IpLookup;

beforeAll(async () => {
  fake = await startIpifyFake('203.0.113.7');
  lookup = new IpLookup({ url: `${fake.url}/?format=json`, timeoutMs: 300, interfaces: hostInterfaces });
});
afterAll(async () => {
  await lookup?.close();
  await fake?.close();
});

describe('public IP lookup (against a fake ipify)', () => {
  const host = () => new URL(fake.url).host;

  it("reads ipify's JSON answer", async () => {
    fake.mode = 'ok';
    expect(await lookup.lookup()).toEqual({
      ip: '203.0.113.7',
      source: 'public-ip-service',
      detail: `public IP as seen by ${host()}`,
    });
    expect(fake.requests.at(-1)!.url).toBe('/?format=json');
  });

  it('reads a plain-text answer, IPv6 too', async () => {
    fake.mode = 'text';
    fake.ip = '2001:db8::7';
    try {
      expect(await lookup.lookup()).toMatchObject({ ip: '2001:db8::7', source: 'public-ip-service' });
    } finally {
      fake.ip = '203.0.113.7';
    }
  });

  it.each([
    ['garbage', /^public lookup failed: .* answered something that is not an IP address; primary interface eth0$/],
    ['http-500', /^public lookup failed: .* answered HTTP 500; primary interface eth0$/],
    ['hang', /^public lookup failed: timed out after 300 ms; primary interface eth0$/],
  ] as const)('%s falls back to the primary interface and says why', async (mode, detail) => {
    fake.mode = mode;
    const got = await lookup.lookup();
    expect(got.ip).toBe('10.1.2.3');
    expect(got.source).toBe('local-interface');
    expect(got.detail).toMatch(detail);
  });

  it('an unreachable service falls back too', async () => {
    const gone = new IpLookup({ url: 'http://127.0.0.1:1/?format=json', timeoutMs: 300, interfaces: hostInterfaces });
    try {
      expect(await gone.lookup()).toMatchObject({
        ip: '10.1.2.3',
        source: 'local-interface',
        detail: /^public lookup failed: .*unreachable/,
      });
    } finally {
      await gone.close();
    }
  });
});

describe('local interface address', () => {
  it('without a service URL the real host interfaces answer', async () => {
    const local = new IpLookup({ timeoutMs: 300 });
    try {
      const got = await local.lookup();
      expect(got.source).toBe('local-interface');
      expect(isIP(got.ip)).not.toBe(0);
      expect(got.detail).toMatch(/^no public IP service configured; /);
    } finally {
      await local.close();
    }
  });

  it('prefers a non-internal IPv4 on any interface over IPv6 and loopback', () => {
    expect(primaryAddress(hostInterfaces())).toEqual({ ip: '10.1.2.3', name: 'eth0' });
    expect(
      primaryAddress({
        lo: [iface('127.0.0.1', 'IPv4', true)],
        wlan0: [iface('2001:db8::5', 'IPv6')],
        eth1: [iface('192.168.0.9', 'IPv4')],
      }),
    ).toEqual({ ip: '192.168.0.9', name: 'eth1' });
  });

  it('takes a global IPv6 before a link-local one when there is no IPv4', () => {
    expect(primaryAddress({ eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')] })).toEqual({
      ip: '2001:db8::5',
      name: 'eth0',
    });
    expect(primaryAddress({ eth0: [iface('fe80::1', 'IPv6')] })).toEqual({ ip: 'fe80::1', name: 'eth0' });
  });

  it('with only loopback, answers 127.0.0.1 and says so', async () => {
    const loopOnly = new IpLookup({ timeoutMs: 300, interfaces: () => ({ lo: [iface('127.0.0.1', 'IPv4', true)] }) });
    expect(await loopOnly.lookup()).toEqual({
      ip: '127.0.0.1',
      source: 'local-interface',
      detail: 'no public IP service configured; no external interface, loopback',
    });
  });
});
