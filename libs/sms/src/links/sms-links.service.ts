import { APP_CONFIG, AppConfig, Clock } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { findUrls, isShortCode, replaceUrls, shortCode } from './short-links';
import { SmsLink, SmsLinkClick } from './sms-link.entity';

export interface SmsLinkView {
  position: number;
  url: string;
  shortUrl: string;
  clicks: number;
  firstClickAt: Date | null;
  lastClickAt: Date | null;
}

export interface ShortenedBody {
  /** The text to send: the first two URLs replaced by their short links. */
  text: string;
  links: { position: number; url: string; code: string }[];
}

/** Clicks kept per link at most (the count goes on; only the oldest click times are dropped). */
const CLICKS_KEPT = 10_000;

/**
 * Click counting: the short links of an SMS (`/s/<code>`) and their clicks. The body is
 * rewritten before its segments are counted, so the count is of the text actually sent.
 */
@Injectable()
export class SmsLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  shortUrl(code: string): string {
    return `${this.config.http.publicUrl.replace(/\/+$/, '')}/s/${code}`;
  }

  /** The body with its first two URLs replaced by fresh short links (not saved yet: `save` in the message's transaction). */
  shorten(body: string): ShortenedBody {
    const found = findUrls(body);
    const links = found.map((f) => ({ position: f.position, url: f.url, code: shortCode(randomBytes) }));
    const byPosition = new Map(links.map((l) => [l.position, l]));
    return { text: replaceUrls(body, found, (f) => this.shortUrl(byPosition.get(f.position)!.code)), links };
  }

  async save(m: EntityManager, messageId: number, links: ShortenedBody['links']): Promise<void> {
    if (!links.length) return;
    const now = this.clock.now();
    await m.insert(
      SmsLink,
      links.map((l) => ({
        messageId,
        position: l.position,
        url: l.url,
        code: l.code,
        clicks: 0,
        firstClickAt: null,
        lastClickAt: null,
        createdAt: now,
      })),
    );
  }

  /** The links of these messages, by message id, in position order. */
  async forMessages(messageIds: number[]): Promise<Map<number, SmsLinkView[]>> {
    const out = new Map<number, SmsLinkView[]>();
    if (!messageIds.length) return out;
    const rows = await this.dataSource
      .getRepository(SmsLink)
      .find({ where: { messageId: In(messageIds) }, order: { messageId: 'ASC', position: 'ASC' } });
    for (const r of rows) {
      const list = out.get(r.messageId) ?? [];
      list.push({
        position: r.position,
        url: r.url,
        shortUrl: this.shortUrl(r.code),
        clicks: r.clicks,
        firstClickAt: r.firstClickAt,
        lastClickAt: r.lastClickAt,
      });
      out.set(r.messageId, list);
    }
    return out;
  }

  /** A click on `/s/<code>`: counted (and its time kept), and where to send the browser; null for an unknown code. */
  async click(code: string): Promise<string | null> {
    if (!isShortCode(code)) return null;
    const link = await this.dataSource.getRepository(SmsLink).findOneBy({ code });
    // The column is binary (case-sensitive) on MariaDB; compared again here so a collation change never widens a code.
    if (!link || link.code !== code) return null;
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m
        .createQueryBuilder()
        .update(SmsLink)
        .set({ clicks: () => 'clicks + 1', lastClickAt: now })
        .where('id = :id', { id: link.id })
        .execute();
      await m
        .createQueryBuilder()
        .update(SmsLink)
        .set({ firstClickAt: now })
        .where('id = :id AND first_click_at IS NULL', { id: link.id })
        .execute();
      if (link.clicks < CLICKS_KEPT) await m.insert(SmsLinkClick, { linkId: link.id, clickedAt: now });
    });
    return link.url;
  }
}
