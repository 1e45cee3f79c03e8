import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** JSON nested deeper than this is refused before it is parsed: no DTO of ours goes past a few levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deep a JSON text nests, read byte by byte (strings skipped) and stopping once past `limit`.
 * Parsing a body like `{"a":{"a":…}}` thousands deep, and validating it, recurses once per level.
 */
export function jsonDepthExceeds(buf: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function refuseDeepJson(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  if (jsonDepthExceeds(buf, MAX_JSON_DEPTH)) {
    // body-parser turns a verify error into an HTTP error keeping `type`; the exception filter maps it.
    throw Object.assign(new Error(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`), { type: 'entity.too.deep' });
  }
}

/** Routes whose body is kept raw for a signature check: the SMS providers' webhooks. */
export const RAW_BODY_PATHS = ['/api/sms/webhooks/'];
/** A provider's webhook is a few hundred bytes; Twilio's largest a few KB. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The request body parsers with explicit limits (create the app with `bodyParser: false`):
 * JSON and form bodies up to `limitBytes`, JSON at most MAX_JSON_DEPTH deep, form bodies at most
 * 10 levels and 1,000 fields. Errors become 400/413 with a code in DomainExceptionFilter.
 * File uploads are multipart and have their own limit (multer, per route).
 */
export function useBodyLimits(app: NestExpressApplication, limitBytes: number): void {
  // Signed webhooks (SMS providers) are checked on the bytes that came: their bodies stay raw
  // (a Buffer the route parses itself) and small. Parsed here first, the parsers below skip them.
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT_BYTES });
  app.use((req: Request, res: Response, next: NextFunction) => (RAW_BODY_PATHS.some((p) => req.path.startsWith(p)) ? raw(req, res, next) : next()));
  const json = express.json({ limit: limitBytes, verify: refuseDeepJson });
  // Nest turns body-parser's SyntaxError into a bare "Bad Request" with the parser's message;
  // handed on as our own error it reaches DomainExceptionFilter and gets its code.
  app.use((req: Request, res: Response, next: NextFunction) =>
    json(req, res, (err?: unknown) => {
      const e = err as { type?: string } | undefined;
      next(e?.type === 'entity.parse.failed' ? Object.assign(new Error('The request body is not valid JSON'), { type: 'entity.parse.failed', status: 400 }) : err);
    }),
  );
  // body-parser 2 reads `depth` (default 32); @types/express does not list it yet.
  const urlencoded: Parameters<typeof express.urlencoded>[0] & { depth: number } = { limit: limitBytes, extended: true, depth: 10, parameterLimit: 1000 };
  app.use(express.urlencoded(urlencoded));
}
