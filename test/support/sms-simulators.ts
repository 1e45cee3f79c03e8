import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request a simulator received. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A scripted answer for the next send: an HTTP status and a JSON body. */
export type ScriptedAnswer = { status: number; body: object; headers?: Record<string, string> };

export interface SmsSimulator {
  baseUrl: string;
  requests: SimRequest[];
  /** Messages it accepted (sent), by its id. */
  sent: { id: string; to: string; body: string; idempotencyKey: string | null; createdAt: string }[];
  /** Answers for the next sends, used in order before accepting normally. */
  script: ScriptedAnswer[];
  sends(): SimRequest[];
  stop(): Promise<void>;
}

async function listen(handler: (req: SimRequest, res: ServerResponse) => void): Promise<{ server: Server; baseUrl: string; requests: SimRequest[] }> {
  const requests: SimRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}`, requests };
}

const json = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Twilio's REST Messages API as documented (2010-04-01), with its error answers. */
export async function startTwilioSimulator(o: { accountSid: string; authToken: string }): Promise<SmsSimulator> {
  const sim: Partial<SmsSimulator> = { sent: [], script: [] };
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  const prefix = `/2010-04-01/Accounts/${o.accountSid}`;
  const { server, baseUrl, requests } = await listen((r, res) => {
    if (r.headers.authorization !== auth) return json(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    if (r.method === 'GET' && r.path === `${prefix}.json`) return json(res, 200, { sid: o.accountSid, status: 'active' });
    if (r.method === 'POST' && r.path === `${prefix}/Messages.json`) {
      const next = sim.script!.shift();
      if (next) return json(res, next.status, next.body, next.headers);
      const f = new URLSearchParams(r.body);
      if (!f.get('To')?.startsWith('+')) return json(res, 400, { code: 21211, message: `The 'To' number ${f.get('To')} is not a valid phone number.`, status: 400 });
      const id = `SM${(sim.sent!.length + 1).toString(16).padStart(32, '0')}`;
      const createdAt = new Date().toUTCString();
      sim.sent!.push({ id, to: f.get('To')!, body: f.get('Body') ?? '', idempotencyKey: null, createdAt });
      return json(res, 201, { sid: id, status: 'queued', to: f.get('To'), body: f.get('Body'), date_created: createdAt });
    }
    if (r.method === 'GET' && r.path === `${prefix}/Messages.json`) {
      const to = r.query.get('To');
      return json(res, 200, { messages: sim.sent!.filter((m) => !to || m.to === to).map((m) => ({ sid: m.id, to: m.to, body: m.body, date_created: m.createdAt, status: 'sent' })) });
    }
    return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  });
  return Object.assign(sim, {
    baseUrl,
    requests,
    sends: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as SmsSimulator;
}

/** A Japanese REST SMS gateway (docs/sms.md): Bearer token, Idempotency-Key, lookup by key. */
export async function startGatewaySimulator(o: { token: string }): Promise<SmsSimulator> {
  const sim: Partial<SmsSimulator> = { sent: [], script: [] };
  const { server, baseUrl, requests } = await listen((r, res) => {
    if (r.headers.authorization !== `Bearer ${o.token}`) return json(res, 401, { error: { code: 'unauthorized', message: 'invalid token' } });
    if (r.method === 'GET' && r.path === '/v1/account') return json(res, 200, { name: 'test' });
    if (r.method === 'POST' && r.path === '/v1/messages') {
      const key = String(r.headers['idempotency-key'] ?? '');
      const same = sim.sent!.find((m) => key && m.idempotencyKey === key);
      if (same) return json(res, 200, { id: same.id, status: 'accepted' });
      const next = sim.script!.shift();
      if (next) return json(res, next.status, next.body, next.headers);
      const b = JSON.parse(r.body) as { to: string; body: string };
      if (!/^0[789]0\d{8}$/.test(b.to)) return json(res, 400, { error: { code: 'invalid_number', message: `${b.to} is not a mobile number` } });
      const id = `gw-${sim.sent!.length + 1}`;
      sim.sent!.push({ id, to: b.to, body: b.body, idempotencyKey: key || null, createdAt: new Date().toISOString() });
      return json(res, 201, { id, status: 'accepted' });
    }
    if (r.method === 'GET' && r.path === '/v1/messages') {
      const key = r.query.get('idempotency_key');
      return json(res, 200, { items: sim.sent!.filter((m) => m.idempotencyKey === key).map((m) => ({ id: m.id, status: 'delivered' })) });
    }
    return json(res, 404, { error: { code: 'not_found', message: 'not found' } });
  });
  return Object.assign(sim, {
    baseUrl,
    requests,
    sends: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages'),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as SmsSimulator;
}
