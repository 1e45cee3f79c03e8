import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

jest.setTimeout(120_000);

export const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A sender's image server on 127.0.0.1: a pixel, and the ways a hostile one answers. */
async function startImageServer(): Promise<{
  server: Server;
  port: number;
  hits: { path: string; headers: IncomingHttpHeaders }[];
}> {
  const hits: { path: string; headers: IncomingHttpHeaders }[] = [];
  let port = 0;
  const server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', headers: req.headers });
    const send = (type: string, body: Buffer | string) =>
      res.writeHead(200, { 'Content-Type': type }).end(body);
    switch (req.url) {
      case '/pixel.png?u=1&m=2':
        return send('image/png', PIXEL);
      case '/logo.svg':
        return send(
          'image/svg+xml',
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        );
      case '/page.png':
        return send('image/png', '<html><script>alert(1)</script></html>');
      case '/page.html':
        return send('text/html', '<html></html>');
      case '/huge.png':
        return send('image/png', Buffer.concat([PIXEL, Buffer.alloc(6 * 1024 * 1024)]));
      case '/to-localhost.png':
        return res.writeHead(302, { Location: `http://localhost:${port}/pixel.png?u=1&m=2` }).end();
      case '/gone.png':
        return res.writeHead(404).end();
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return { server, port, hits };
}

/** The remote image proxy behind the console's 「画像を表示」 switch: what it fetches, and what it refuses to. */
describe.each(DB_KINDS)('remote images of a mail on %s', (kind) => {
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let t: TestApp;
  let admin: Session;
  let articleId: number;
  let html: string;
  let base: string;
  const address = `images-${kind}@example.jp`;
  const get = (s: Session | TestApp['http'], url: string) =>
    s.get(`/api/articles/${articleId}/remote-image`).query({ url });

  beforeAll(async () => {
    images = await startImageServer();
    base = `http://127.0.0.1:${images.port}`;
    // Tests can only serve from loopback: 127.0.0.1 is allowed, localhost (also loopback) is not.
    t = await startTestApp(kind, { REMOTE_IMAGE_ALLOWED_HOSTS: '127.0.0.1' });
    admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '画像', address }).expect(201)).body.id;
    const body = [
      `<p>ニュースレター</p><img src="${base}/pixel.png?u=1&amp;m=2" alt="pixel">`,
      ...['/logo.svg', '/page.png', '/page.html', '/huge.png', '/to-localhost.png', '/gone.png'].map(
        (p) => `<img src="${base}${p}">`,
      ),
      `<img src="http://localhost:${images.port}/pixel.png?u=1&amp;m=2">`,
      `<img src="http://[::1]:${images.port}/pixel.png">`,
      '<img src="http://169.254.169.254/latest/meta-data/">',
      '<img src="http://10.0.0.1/camera.png">',
    ].join('');
    const raw = Buffer.from(
      [
        'From: news@shop.example.com',
        `To: ${address}`,
        'Subject: =?UTF-8?B?' + Buffer.from('画像つきのお知らせ').toString('base64') + '?=',
        `Message-ID: <images-${kind}@shop.example.com>`,
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(body).toString('base64').replace(/.{76}/g, '$&\r\n'),
        '',
      ].join('\r\n'),
    );
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, raw, { kind: 'smtp' });
    const list = await admin.get('/api/tickets').query({ mailboxId }).expect(200);
    const ticket = await admin.get(`/api/tickets/${list.body.items[0].id}`).expect(200);
    articleId = ticket.body.articles[0].id;
    html = ticket.body.articles[0].html;
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => images?.server.close(resolve));
  });

  beforeEach(() => {
    images.hits.length = 0;
  });

  it('reaches the console with nothing to load: the addresses held back in data-remote-src', () => {
    expect(html).toContain(`<img alt="pixel" data-remote-src="${base}/pixel.png?u=1&amp;m=2" />`);
    expect(html).not.toMatch(/\ssrc="https?:/);
    expect(images.hits).toEqual([]);
  });

  it('fetches an image of the mail through the server, with no cookie, referrer or browser of the agent', async () => {
    const res = await get(admin, `${base}/pixel.png?u=1&m=2`)
      .set('Referer', 'http://console.local/tickets/1')
      .set('User-Agent', 'AgentBrowser/1.0')
      .expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(Buffer.from(res.body)).toEqual(PIXEL);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(images.hits).toHaveLength(1);
    const sent = images.hits[0].headers;
    expect(sent.cookie).toBeUndefined();
    expect(sent.referer).toBeUndefined();
    expect(sent['user-agent']).toBe('Madoguchi-Image-Proxy');
    expect(sent['x-forwarded-for']).toBeUndefined();
  });

  it('fetches only addresses the mail holds, only for staff who may see the ticket', async () => {
    const other = await get(admin, `${base}/secret.png`).expect(404);
    expect(other.body.error).toBe('REMOTE_IMAGE_NOT_IN_MAIL');
    await get(t.http, `${base}/pixel.png?u=1&m=2`).expect(401);
    const email = `outsider-${kind}@test.local`;
    await admin
      .post('/api/users', { email, name: '部外者', password: 'outsider-password-42', groupIds: [] })
      .expect(201);
    const outsider = await t.login(email, 'outsider-password-42');
    const hidden = await get(outsider, `${base}/pixel.png?u=1&m=2`).expect(404);
    expect(hidden.body.error).toBe('ARTICLE_NOT_FOUND');
    await admin
      .get(`/api/articles/999999/remote-image`)
      .query({ url: `${base}/pixel.png?u=1&m=2` })
      .expect(404);
    expect(images.hits).toEqual([]);
  });

  it.each([
    ['localhost (loopback after DNS)', () => `http://localhost:${images.port}/pixel.png?u=1&m=2`],
    ['IPv6 loopback', () => `http://[::1]:${images.port}/pixel.png`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a LAN address', () => 'http://10.0.0.1/camera.png'],
    ['a redirect to localhost', () => `${base}/to-localhost.png`],
  ])('refuses %s', async (_what, url) => {
    const res = await get(admin, url()).expect(403);
    expect(res.body.error).toBe('REMOTE_IMAGE_ADDRESS_REFUSED');
    expect(images.hits.filter((h) => h.path !== '/to-localhost.png')).toEqual([]);
  });

  it.each([
    ['an SVG (a document that can carry script)', '/logo.svg', 'REMOTE_IMAGE_NOT_AN_IMAGE'],
    ['an HTML page that says it is a PNG', '/page.png', 'REMOTE_IMAGE_NOT_AN_IMAGE'],
    ['an HTML page', '/page.html', 'REMOTE_IMAGE_NOT_AN_IMAGE'],
    ['an image over 5 MB', '/huge.png', 'REMOTE_IMAGE_TOO_LARGE'],
    ['a missing image', '/gone.png', 'REMOTE_IMAGE_UNAVAILABLE'],
  ])('answers 502, not the bytes, for %s', async (_what, path, code) => {
    const res = await get(admin, `${base}${path}`).expect(502);
    expect(res.body.error).toBe(code);
    expect(res.headers['content-type']).toMatch(/json/);
  });
});
