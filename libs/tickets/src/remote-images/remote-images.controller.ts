import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { DomainError, NotFound } from '@madoguchi/core';
import { Controller, Get, Injectable, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Article } from '../article.entity';
import { TicketsService } from '../tickets.service';
import { RemoteImage, RemoteImageFetcher } from './remote-image.fetcher';

export class RemoteImageQueryDto {
  /** The image's address as the mail gave it (its data-remote-src). */
  @IsString()
  @MaxLength(2048)
  url!: string;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&lt;': '<',
  '&gt;': '>',
  '&#39;': "'",
};

/** The remote image addresses the sanitiser held back in an article's HTML (libs/mail sanitize-html.ts). */
export function remoteImageSources(html: string | null): Set<string> {
  const out = new Set<string>();
  for (const m of (html ?? '').matchAll(/<img\b[^>]*?\sdata-remote-src="([^"]*)"/g)) {
    out.add(m[1].replace(/&(?:amp|quot|lt|gt|#39);/g, (e) => ENTITIES[e]));
  }
  return out;
}

@Injectable()
export class RemoteImagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly fetcher: RemoteImageFetcher,
  ) {}

  /**
   * One of an article's remote images, for a user who may see its ticket. Only addresses the mail
   * itself holds are fetched: the proxy is no general way to make the server fetch a URL.
   */
  async load(articleId: number, url: string, p: Principal): Promise<RemoteImage> {
    const article = await this.dataSource.getRepository(Article).findOneBy({ id: articleId });
    if (!article) throw new NotFound('article', articleId);
    await this.tickets.visibleTicket(article.ticketId, p).catch((e: unknown) => {
      throw e instanceof DomainError && e.status === 404 ? new NotFound('article', articleId) : e;
    });
    if (!remoteImageSources(article.bodyHtml).has(url)) {
      throw new DomainError('REMOTE_IMAGE_NOT_IN_MAIL', 'This mail has no image at that address', 404);
    }
    return this.fetcher.fetch(url);
  }
}

@ApiTags('tickets')
@Controller('articles')
export class RemoteImagesController {
  constructor(private readonly images: RemoteImagesService) {}

  /**
   * A remote image of an inbound mail, fetched by the server (the console's 「画像を表示」): the
   * sender's server sees neither the agent's browser nor a cookie or referrer. Raster images up to
   * 5 MB; never SVG.
   */
  @Get(':id/remote-image')
  @ApiOperation({ summary: "One of a mail's remote images, through the server" })
  @ApiProduces('image/png', 'image/jpeg', 'image/gif', 'image/webp')
  async image(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: RemoteImageQueryDto,
    @CurrentPrincipal() p: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const image = await this.images.load(id, query.url, p);
    res.setHeader('Content-Type', image.contentType);
    res.setHeader('Content-Length', String(image.body.length));
    res.setHeader('Cache-Control', 'private, max-age=3600');
    // The sender's bytes: shown as an image, never run as a page of our origin.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Disposition', 'inline');
    res.end(image.body);
  }
}
