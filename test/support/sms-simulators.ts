import { createHmac, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

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
  sent: { id: string; to: string; body: string; idempotencyKey: string | null; createdAt: string; statusCallback?: string | null }[];
  /** Answers for the next sends, used in order before accepting normally. */
  script: ScriptedAnswer[];
  /** Run when a send is accepted, before it is answered (a provider that calls back before the app has its reply). */
  onAccepted?: (message: { id: string; to: string; body: string }) => Promise<void>;
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

/** What a webhook the simulator posted got back. */
export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The fields (Twilio) or JSON (gateway) it posted. */
  sent: Record<string, unknown>;
}

/**
 * How a simulator posts a webhook to the app: `deliverTo` is where the app listens (the test's
 * 127.0.0.1 port, standing in for the public address a proxy forwards), `signFor` the URL the
 * provider was given and signs for (the settings' `{PUBLIC_URL}/api/sms/webhooks/…`); the path of
 * `signFor` is posted to on `deliverTo`.
 */
export interface WebhookTarget {
  deliverTo: string;
  signFor: string;
  /** Posted to this path instead of `signFor`'s (a request signed for one URL sent to another). */
  postTo?: string;
  /** A forgery: signed with this key instead of the real one, or this exact signature header (null: none). */
  key?: string;
  signature?: string | null;
}

async function postWebhook(target: WebhookTarget, body: string, headers: Record<string, string>): Promise<Omit<WebhookAnswer, 'sent'>> {
  const url = new URL(target.signFor);
  const res = await fetch(`${target.deliverTo.replace(/\/+$/, '')}${target.postTo ?? `${url.pathname}${url.search}`}`, { method: 'POST', headers, body });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

export interface TwilioSimulator extends SmsSimulator {
  accountSid: string;
  /**
   * An inbound SMS as Twilio posts it to the number's messaging webhook: form-encoded, Twilio's
   * fields, X-Twilio-Signature computed by twilio's own library for `signFor`.
   */
  inbound(target: WebhookTarget, fields: { From: string; Body: string; To?: string; MessageSid?: string; AccountSid?: string; NumMedia?: string }): Promise<WebhookAnswer & { sid: string }>;
  /** A status callback for a message it accepted, signed for the StatusCallback URL it was sent with (or `target.signFor`). */
  statusCallback(target: Omit<WebhookTarget, 'signFor'> & { signFor?: string }, sid: string, status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed', extra?: Record<string, string>): Promise<WebhookAnswer>;
}

/** Twilio's REST Messages API as documented (2010-04-01), with its error answers. */
export async function startTwilioSimulator(o: { accountSid: string; authToken: string }): Promise<TwilioSimulator> {
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
      sim.sent!.push({ id, to: f.get('To')!, body: f.get('Body') ?? '', idempotencyKey: null, createdAt, statusCallback: f.get('StatusCallback') });
      const answer = () => json(res, 201, { sid: id, status: 'queued', to: f.get('To'), body: f.get('Body'), date_created: createdAt });
      if (sim.onAccepted) return void sim.onAccepted({ id, to: f.get('To')!, body: f.get('Body') ?? '' }).then(answer, (e: Error) => json(res, 500, { code: 20500, message: e.message, status: 500 }));
      return answer();
    }
    if (r.method === 'GET' && r.path === `${prefix}/Messages.json`) {
      const to = r.query.get('To');
      return json(res, 200, { messages: sim.sent!.filter((m) => !to || m.to === to).map((m) => ({ sid: m.id, to: m.to, body: m.body, date_created: m.createdAt, status: 'sent' })) });
    }
    return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  });
  const signAndPost = async (target: WebhookTarget, params: Record<string, string>): Promise<WebhookAnswer> => {
    const signature = target.signature !== undefined ? target.signature : getExpectedTwilioSignature(target.key ?? o.authToken, target.signFor, params);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'User-Agent': 'TwilioProxy/1.1', 'I-Twilio-Idempotency-Token': randomBytes(16).toString('hex') };
    if (signature !== null) headers['X-Twilio-Signature'] = signature;
    return { ...(await postWebhook(target, new URLSearchParams(params).toString(), headers)), sent: params };
  };
  let inboundCount = 0;
  return Object.assign(sim, {
    baseUrl,
    requests,
    accountSid: o.accountSid,
    sends: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    inbound: async (target: WebhookTarget, fields: { From: string; Body: string; To?: string; MessageSid?: string; AccountSid?: string; NumMedia?: string }) => {
      const sid = fields.MessageSid ?? `SM${(0x100000 + ++inboundCount).toString(16)}${randomBytes(13).toString('hex')}`;
      // The fields Twilio posts for an incoming SMS (https://www.twilio.com/docs/messaging/guides/webhook-request).
      const params: Record<string, string> = {
        ToCountry: 'JP',
        ToState: '',
        SmsMessageSid: sid,
        NumMedia: fields.NumMedia ?? '0',
        ToCity: '',
        FromZip: '',
        SmsSid: sid,
        FromState: '',
        SmsStatus: 'received',
        FromCity: '',
        Body: fields.Body,
        FromCountry: 'JP',
        To: fields.To ?? '+815012345678',
        ToZip: '',
        NumSegments: '1',
        MessageSid: sid,
        AccountSid: fields.AccountSid ?? o.accountSid,
        From: fields.From,
        ApiVersion: '2010-04-01',
      };
      return { ...(await signAndPost(target, params)), sid };
    },
    statusCallback: async (target: Omit<WebhookTarget, 'signFor'> & { signFor?: string }, sid: string, status: string, extra: Record<string, string> = {}) => {
      const m = sim.sent!.find((x) => x.id === sid);
      const signFor = target.signFor ?? m?.statusCallback;
      if (!signFor) throw new Error(`message ${sid} was sent without a StatusCallback`);
      const params: Record<string, string> = { SmsSid: sid, SmsStatus: status, MessageStatus: status, To: m?.to ?? '', MessageSid: sid, AccountSid: o.accountSid, From: '+815012345678', ApiVersion: '2010-04-01', ...extra };
      return signAndPost({ ...target, signFor }, params);
    },
  }) as TwilioSimulator;
}

export interface GatewaySimulator extends SmsSimulator {
  /**
   * A webhook as docs/sms.md specifies it for the gateway: JSON, `X-Sms-Timestamp` (Unix seconds)
   * and `X-Sms-Signature: sha256=<hex HMAC-SHA256(token, timestamp + "." + body)>`.
   */
  webhook(target: WebhookTarget & { timestamp?: number }, payload: Record<string, unknown>): Promise<WebhookAnswer>;
}

/** A Japanese REST SMS gateway (docs/sms.md): Bearer token, Idempotency-Key, lookup by key. */
export async function startGatewaySimulator(o: { token: string }): Promise<GatewaySimulator> {
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
    webhook: async (target: WebhookTarget & { timestamp?: number }, payload: Record<string, unknown>) => {
      const body = JSON.stringify(payload);
      const timestamp = String(target.timestamp ?? Math.floor(Date.now() / 1000));
      const signature = target.signature !== undefined ? target.signature : `sha256=${createHmac('sha256', target.key ?? o.token).update(`${timestamp}.${body}`).digest('hex')}`;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Sms-Timestamp': timestamp };
      if (signature !== null) headers['X-Sms-Signature'] = signature;
      return { ...(await postWebhook(target, body, headers)), sent: payload };
    },
  }) as GatewaySimulator;
}
