import { APP_CONFIG, AppConfig, DomainError } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isRestrictedAddress } from './address-guard';

export const REMOTE_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 8_000;
const MAX_REDIRECTS = 3;

/** Raster types only: an SVG is a document that can carry script, and it would run as our origin. */
const DECLARED_TYPES =
  /^image\/(?:png|jpeg|pjpeg|jpg|gif|webp|avif|bmp|x-ms-bmp|x-icon|vnd\.microsoft\.icon)$/;

export interface RemoteImage {
  contentType: string;
  body: Buffer;
}

export class RemoteImageRefused extends DomainError {
  constructor(code: string, message: string, status: number) {
    super(code, message, status);
  }
}

const refusedAddress = (host: string) =>
  new RemoteImageRefused(
    'REMOTE_IMAGE_ADDRESS_REFUSED',
    `${host} is an address on this server or its network; images are not fetched from there`,
    403,
  );
const unavailable = (why: string) =>
  new RemoteImageRefused('REMOTE_IMAGE_UNAVAILABLE', `The image could not be fetched: ${why}`, 502);

/** The type the bytes say, whatever the sender's server claimed. */
export function sniffImageType(b: Buffer): string | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (
    b.length >= 12 &&
    b.subarray(0, 4).toString('latin1') === 'RIFF' &&
    b.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  if (
    b.length >= 12 &&
    b.subarray(4, 8).toString('latin1') === 'ftyp' &&
    /^avi[fs]$/.test(b.subarray(8, 12).toString('latin1'))
  )
    return 'image/avif';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'image/x-icon';
  return null;
}

/**
 * Fetches a mail's remote image for the console's 「画像を表示」 switch, on the server, so the
 * sender learns nothing about the agent (no cookies, no referrer, no browser, no client IP).
 * Guarded against SSRF: the host's addresses are checked after DNS resolution and the socket
 * connects to the checked address (no second lookup to rebind), every redirect is checked again,
 * and only hosts in REMOTE_IMAGE_ALLOWED_HOSTS may be private. Size, time and type are limited.
 */
@Injectable()
export class RemoteImageFetcher {
  private readonly allowed: Set<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.allowed = new Set(config.web.remoteImageAllowedHosts.map(bareHost));
  }

  async fetch(url: string): Promise<RemoteImage> {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    let target = parseHttpUrl(url);
    for (let hop = 0; ; hop++) {
      const res = await this.request(target, signal);
      const location = res.headers.location;
      if (res.statusCode && [301, 302, 303, 307, 308].includes(res.statusCode) && location) {
        res.destroy();
        if (hop >= MAX_REDIRECTS) throw unavailable('too many redirects');
        target = parseHttpUrl(new URL(location, target).href);
        continue;
      }
      return readImage(res);
    }
  }

  private request(u: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const host = bareHost(u.hostname);
    const mayBePrivate = this.allowed.has(host);
    // A literal address is connected to without a lookup, so it is checked here.
    if (isIP(host) && !mayBePrivate && isRestrictedAddress(host)) return Promise.reject(refusedAddress(host));
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(
        hostname,
        { all: true, family: options.family, hints: options.hints },
        (err, addresses: LookupAddress[]) => {
          if (err) return callback(err, '', 0);
          if (!mayBePrivate && (!addresses.length || addresses.some((a) => isRestrictedAddress(a.address)))) {
            return callback(refusedAddress(hostname), '', 0);
          }
          if (options.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          callback(null, addresses[0].address, addresses[0].family);
        },
      );
    };
    return new Promise((resolve, reject) => {
      const req = (u.protocol === 'https:' ? https : http).request(
        {
          protocol: u.protocol,
          hostname: host,
          port: u.port || undefined,
          path: `${u.pathname}${u.search}`,
          method: 'GET',
          // Nothing of the agent's request goes along: no cookies, no referrer, no user agent.
          headers: {
            'User-Agent': 'Madoguchi-Image-Proxy',
            Accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9',
          },
          agent: false,
          lookup,
          signal,
        },
        resolve,
      );
      req.on('error', (e) => {
        if (e instanceof RemoteImageRefused) return reject(e);
        const cause = (e as { cause?: unknown }).cause;
        if (cause instanceof RemoteImageRefused) return reject(cause);
        reject(
          unavailable(
            signal.aborted ? 'no answer in time' : ((e as NodeJS.ErrnoException).code ?? e.message),
          ),
        );
      });
      req.end();
    });
  }
}

function readImage(res: IncomingMessage): Promise<RemoteImage> {
  const declared = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (res.statusCode !== 200) {
    res.destroy();
    return Promise.reject(unavailable(`the server answered ${res.statusCode}`));
  }
  if (!DECLARED_TYPES.test(declared)) {
    res.destroy();
    return Promise.reject(
      new RemoteImageRefused(
        'REMOTE_IMAGE_NOT_AN_IMAGE',
        `Not an image this console shows (${declared || 'no type'})`,
        502,
      ),
    );
  }
  if (Number(res.headers['content-length'] ?? 0) > REMOTE_IMAGE_MAX_BYTES) {
    res.destroy();
    return Promise.reject(
      new RemoteImageRefused('REMOTE_IMAGE_TOO_LARGE', 'The image is larger than 5 MB', 502),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REMOTE_IMAGE_MAX_BYTES) {
        res.destroy();
        reject(new RemoteImageRefused('REMOTE_IMAGE_TOO_LARGE', 'The image is larger than 5 MB', 502));
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', () => reject(unavailable('the connection broke off')));
    // A timeout destroys the response; without this the promise would wait for an end that never comes.
    res.on('close', () => {
      if (!res.complete) reject(unavailable('the connection broke off'));
    });
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = sniffImageType(body);
      if (!contentType)
        return reject(
          new RemoteImageRefused(
            'REMOTE_IMAGE_NOT_AN_IMAGE',
            'The bytes are not an image this console shows',
            502,
          ),
        );
      resolve({ contentType, body });
    });
  });
}

function parseHttpUrl(value: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RemoteImageRefused('REMOTE_IMAGE_BAD_URL', 'Not a valid image address', 400);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password) {
    throw new RemoteImageRefused(
      'REMOTE_IMAGE_BAD_URL',
      'Only http and https image addresses are fetched',
      400,
    );
  }
  return u;
}

/** Host names compared without IPv6 brackets and case. */
function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}
