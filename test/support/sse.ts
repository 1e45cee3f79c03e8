import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

/** A real SSE connection to /api/events: the events received so far. */
export interface Stream<E = Record<string, unknown>> {
  events: E[];
  stop(): void;
}

/** Starts the app's HTTP server on a free loopback port. */
export function listen(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer();
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

/** Opens the live-events stream with a session cookie; resolves once the server said it is connected. */
export function openStream<E = Record<string, unknown>>(port: number, cookie: string): Promise<Stream<E>> {
  return new Promise((resolve, reject) => {
    const s: Stream<E> = { events: [], stop: () => undefined };
    const req = get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/events',
        headers: { Cookie: cookie, Accept: 'text/event-stream' },
      },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          for (const line of chunk.split('\n')) if (line.startsWith('data: ')) s.events.push(JSON.parse(line.slice(6)) as E);
          if (chunk.includes(': connected')) resolve(s);
        });
      },
    );
    req.on('error', () => undefined);
    s.stop = () => req.destroy();
  });
}

/** The session cookie of a user, for a raw HTTP client. */
export async function cookieOf(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.http.post('/api/auth/login').send({ email, password }).expect(200);
  return ([] as string[])
    .concat(res.headers['set-cookie'])
    .map((c) => c.split(';')[0])
    .join('; ');
}
