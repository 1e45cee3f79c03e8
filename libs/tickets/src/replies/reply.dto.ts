import { IsId } from '@madoguchi/core';
import { AFTER_SEND, AfterSend } from '@madoguchi/workflow';
import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsOptional, IsPositive, IsString, IsUUID, isEmail, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';

/** Accepts a list, or one string of comma-separated addresses. */
const addressList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(/[,;、]/).map((s) => s.trim()).filter(Boolean) : value,
  );

/**
 * An email address, or a phone number for a reply on an SMS ticket (`+819012345678`,
 * `090-1234-5678`); which of the two the ticket's channel takes is checked when the reply is
 * written (OutboundMessages.check).
 */
const IsEmailOrPhone = (message: string) =>
  ValidateBy(
    { name: 'isEmailOrPhone', validator: { validate: (v: unknown) => typeof v === 'string' && v.length <= 254 && (isEmail(v) || /^\+?[0-9][0-9 -]{6,18}$/.test(v.trim())) } },
    { each: true, message },
  );

/** What a reply says and where it goes: the fields writing and editing a reply share. */
export class ReplyContentDto {
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmailOrPhone('each address in to must be a valid email address (or, on an SMS ticket, a mobile number)')
  to: string[];

  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in cc must be a valid email address' })
  cc?: string[];

  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in bcc must be a valid email address' })
  bcc?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;

  /** The plain text (the whole reply, or with `bodyHtml` its plain-text part; left out, it is derived from `bodyHtml`). */
  @ValidateIf((o: ReplyContentDto) => o.bodyHtml === undefined || o.text !== undefined)
  @IsString()
  @MinLength(1, { message: 'text is required' })
  @MaxLength(100_000)
  text: string;

  /**
   * A rich text reply: its HTML, sanitised on the server (an allow-list of tags; no scripts,
   * styles, event handlers or javascript: links; links get rel=noopener) and sent as the HTML
   * part of a multipart/alternative mail beside the text.
   */
  @ApiPropertyOptional({ maxLength: 200_000 })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  bodyHtml?: string;

  /** Ids from `POST /api/uploads` (each file at most 10 MB). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('4', { each: true, message: 'each attachment must be an upload id from POST /api/uploads' })
  attachments?: string[];
}

export class CreateReplyDto extends ReplyContentDto {
  /**
   * Send later: an ISO time up to a year ahead. The reply waits in the outbox and is cancelled
   * automatically if the customer writes before then.
   */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 date and time' })
  sendAt?: string;

  /**
   * What the ticket becomes once the reply goes out: `handled` (送信して対応済, the default),
   * `hold` (送信して保留: 保留 until `holdUntil`, or until the customer's next message without it)
   * or `open` (送信のみ: it stays 未対応).
   */
  @IsOptional()
  @IsIn(AFTER_SEND, { message: `afterSend must be one of: ${AFTER_SEND.join(', ')}` })
  afterSend?: AfterSend;

  /** With `afterSend: hold`: until when (ISO time, up to a year ahead). */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'holdUntil must be an ISO 8601 date and time' })
  holdUntil?: string;

  /** A sender template of the mailbox (From name/address, Reply-To). */
  @IsOptional()
  @IsId()
  senderTemplateId?: number;

  /** The signature template the text was written with (recorded only; the text already holds it). */
  @IsOptional()
  @IsId()
  signatureTemplateId?: number;

  /**
   * Traffic cop: the newest article of the ticket the composer had when it opened. A newer
   * customer message or a colleague's outbound article answers 409 `TICKET_CHANGED_SINCE_OPENED`
   * with `articleIds` (and `replyIds`), unless `confirmChanged`. Left out: nothing is checked.
   */
  @IsOptional()
  @IsInt({ message: 'seenArticleId must be an article id' })
  @Min(0, { message: 'seenArticleId must be an article id' })
  @Max(2_147_483_647, { message: 'seenArticleId must be an article id' })
  seenArticleId?: number;

  /** The newest reply of the ticket the composer knew of (a colleague's reply waiting for approval counts too). */
  @IsOptional()
  @IsInt({ message: 'seenReplyId must be a reply id' })
  @Min(0, { message: 'seenReplyId must be a reply id' })
  @Max(2_147_483_647, { message: 'seenReplyId must be a reply id' })
  seenReplyId?: number;

  /** The writer has read what arrived since (after a 409 `TICKET_CHANGED_SINCE_OPENED`) and sends anyway. */
  @IsOptional()
  @IsBoolean({ message: 'confirmChanged must be true or false' })
  confirmChanged?: boolean;
}

/** Editing a draft or a rejected reply: only what is given changes. */
export class UpdateReplyDto extends PartialType(ReplyContentDto) {
  /** A new send-later time, or null to send as soon as it is approved. */
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 date and time' })
  sendAt?: string | null;
}

export class ApproveReplyDto {
  /** The step you are approving (as shown); if someone decided it meanwhile you get 409. */
  @IsOptional()
  @IsInt()
  @IsPositive()
  step?: number;
}

export class RejectReplyDto {
  @IsString()
  @MinLength(1, { message: 'a reason is required to reject a reply' })
  @MaxLength(2000)
  reason: string;

  @IsOptional()
  @IsInt()
  @IsPositive()
  step?: number;
}

export class ReplyQueryDto {
  @IsOptional()
  @IsIn(['draft', 'awaiting_approval', 'rejected', 'queued', 'retrying', 'sent', 'captured', 'failed', 'cancelled'])
  status?: string;
}
