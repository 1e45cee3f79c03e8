import { Public } from '@madoguchi/auth';
import { Clock } from '@madoguchi/core';
import { Controller, Get, Ip, Param, Res } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { SmsLinksService } from './sms-links.service';

/** Requests per client address per window: far above a person tapping links, far below guessing codes. */
const LIMIT = 60;
const WINDOW_MS = 60_000;
/** Addresses remembered at most; past that the oldest window is forgotten (a flood of addresses cannot grow memory). */
const MAX_CLIENTS = 10_000;

const page = (title: string, text: string) =>
  `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body><p>${text}</p></body></html>`;

/**
 * The short links of counted SMS, `/s/<code>` (outside the /api prefix: app.factory excludes it,
 * like the public form pages). No sign-in: the customer taps it on the phone. Each request
 * from a client address counts against a per-instance window, so codes cannot be tried at
 * speed; a code is 12 random base62 characters (71 bits) anyway.
 */
@ApiTags('sms')
@Public()
@Controller('s')
export class ShortLinkController {
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly links: SmsLinksService,
    private readonly clock: Clock,
  ) {}

  @Get(':code')
  @ApiOperation({ summary: 'A counted SMS link: records the click and redirects (302) to the original URL' })
  @ApiProduces('text/html')
  @ApiFoundResponse({ description: 'Location: the original URL' })
  @ApiNotFoundResponse({ description: 'Unknown code (a plain page)' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests from this address (Retry-After)' })
  async open(@Param('code') code: string, @Ip() ip: string, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const retryAfter = this.limited(ip ?? '');
    if (retryAfter) {
      res.setHeader('Retry-After', String(retryAfter));
      res
        .status(429)
        .type('html')
        .send(
          page(
            'しばらくお待ちください',
            'アクセスが集中しています。しばらくしてからもう一度お試しください。',
          ),
        );
      return;
    }
    const url = await this.links.click(code);
    if (!url) {
      res
        .status(404)
        .type('html')
        .send(page('リンクが見つかりません', 'このリンクは存在しないか、無効になっています。'));
      return;
    }
    res.redirect(302, url);
  }

  /** Seconds to wait, or 0 when the request may go on. */
  private limited(ip: string): number {
    const now = this.clock.now().getTime();
    let hit = this.hits.get(ip);
    if (!hit || now - hit.start >= WINDOW_MS) {
      if (hit) this.hits.delete(ip);
      if (this.hits.size >= MAX_CLIENTS) this.hits.delete(this.hits.keys().next().value!);
      hit = { start: now, count: 0 };
      this.hits.set(ip, hit);
    }
    hit.count++;
    return hit.count > LIMIT ? Math.max(1, Math.ceil((hit.start + WINDOW_MS - now) / 1000)) : 0;
  }
}
