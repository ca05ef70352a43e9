/**
 * A local stand-in for ipify (https://www.ipify.org/): `?format=json` answers {"ip": "..."}, otherwise the bare
 * address as text/plain, as the real service does; plus failure modes.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export type IpifyMode = 'ok' | 'text' | 'garbage' | 'http-500' | 'hang';

export interface IpifyFake extends HttpFake {
  mode: IpifyMode;
  ip: string;
}

export async function startIpifyFake(ip = '203.0.113.7'): Promise<IpifyFake> {
  const fake = (await startHttpFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (fake.mode) {
      case 'hang':
        return; // never answers
      case 'http-500':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      case 'garbage':
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<html><body>Please log in to the network</body></html>');
      case 'text':
        // Plain text with a trailing newline, as curl-oriented services send it.
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${fake.ip}\n`);
      case 'ok':
        if (url.searchParams.get('format') === 'json') return sendJson(res, 200, { ip: fake.ip });
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end(fake.ip);
    }
  })) as IpifyFake;
  fake.mode = 'ok';
  fake.ip = ip;
  return fake;
}
