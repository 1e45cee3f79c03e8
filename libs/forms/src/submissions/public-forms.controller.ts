import { Public } from '@madoguchi/auth';
import { DomainError } from '@madoguchi/core';
import { Body, Controller, Get, HttpCode, Ip, Param, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiExcludeEndpoint, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { FORM_PAGE_ASSETS, renderFormPage, renderNotFoundPage } from './form-page.html';
import { FormCheckDto, FormSubmissionDto } from './form-submission.dto';
import { FormSubmissionsService } from './form-submissions.service';

/**
 * The public page of a form, `/forms/<slug>` (outside the /api prefix: app.factory excludes it
 * from the prefix and from the console's fallback). No sign-in.
 */
@ApiTags('public forms')
@Public()
@Controller('forms')
export class FormPageController {
  constructor(private readonly submissions: FormSubmissionsService) {}

  /** The form as an HTML page (Japanese, for phones and desktops): input → 確認 → 送信完了. */
  @Get(':slug')
  @ApiOperation({ summary: 'The public page of a form (HTML)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page' })
  @ApiNotFoundResponse({ description: 'No active form at this address (an HTML page saying so)' })
  async page(@Param('slug') slug: string, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    try {
      const form = await this.submissions.published(slug);
      res.status(200).type('html').send(renderFormPage({ name: form.name, slug: form.slug, description: form.description, fields: form.fieldsJson }));
    } catch (e) {
      if (!(e instanceof DomainError) || e.status !== 404) throw e;
      res.status(404).type('html').send(renderNotFoundPage());
    }
  }
}

/** What the public page calls; also usable by a site that builds its own form (same-origin or server-side). */
@ApiTags('public forms')
@Public()
@Controller('public/forms')
export class PublicFormsController {
  constructor(private readonly submissions: FormSubmissionsService) {}

  /** The public page's style sheet (form-page.html.ts); the page is served with a CSP that runs no inline style or script. */
  @Get('assets/form.css')
  @ApiExcludeEndpoint()
  styleSheet(@Res() res: Response): void {
    sendAsset(res, 'text/css; charset=utf-8', FORM_PAGE_ASSETS.css.body);
  }

  /** The public page's script. */
  @Get('assets/form.js')
  @ApiExcludeEndpoint()
  script(@Res() res: Response): void {
    sendAsset(res, 'text/javascript; charset=utf-8', FORM_PAGE_ASSETS.js.body);
  }

  /** The form's definition, for building one's own form: `{name, slug, description, fields, replyEmailField}`. */
  @Get(':slug')
  @ApiOperation({ summary: "A form's public definition" })
  @ApiNotFoundResponse({ description: 'No active form at this address' })
  async definition(@Param('slug') slug: string) {
    const form = await this.submissions.published(slug);
    return { name: form.name, slug: form.slug, description: form.description, fields: form.fieldsJson, replyEmailField: form.replyEmailField };
  }

  /** The confirmation step: the values as they would be filed (`{ok, fields:[{key,label,value}]}`), or a 400 with a message per field. Files nothing. */
  @Post(':slug/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a submission without sending it' })
  @ApiOkResponse({ description: '{ok: true, fields: [{key, label, value}]}' })
  @ApiBadRequestResponse({ description: 'fields: {<key>: ["必須項目です"]}, one list per field key' })
  @ApiNotFoundResponse({ description: 'No active form at this address' })
  check(@Param('slug') slug: string, @Body() dto: FormCheckDto) {
    return this.submissions.check(slug, dto.fields);
  }

  /**
   * Files the submission as a ticket of the form's mailbox and queues the thank-you mail.
   * Answers `{ok: true, code}` with the ticket code (受付番号). A filled honeypot (`website`)
   * also answers 201, with `code: null`, and files nothing. At most 5 submissions per client
   * per form in 10 minutes; the next is a 429 with Retry-After.
   */
  @Post(':slug/submissions')
  @ApiOperation({ summary: 'Submit a form' })
  @ApiCreatedResponse({ description: '{ok: true, code: "IQ000123"}' })
  @ApiBadRequestResponse({ description: 'fields: {<key>: ["必須項目です"]}, one list per field key; nothing is filed' })
  @ApiNotFoundResponse({ description: 'No active form at this address' })
  @ApiTooManyRequestsResponse({ description: 'Too many submissions from this client; Retry-After says when to try again' })
  submit(@Param('slug') slug: string, @Body() dto: FormSubmissionDto, @Ip() ip: string) {
    return this.submissions.submit(slug, dto.fields, dto.website, ip);
  }
}

/** The page links its files with a version in the URL, so they can be cached for a day. */
function sendAsset(res: Response, type: string, body: string): void {
  res.setHeader('Cache-Control', 'public, max-age=86400');
  res.status(200).type(type).send(body);
}
