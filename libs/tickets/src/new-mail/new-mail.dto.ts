import { IsId } from '@madoguchi/core';
import { AFTER_SEND, AfterSend } from '@madoguchi/workflow';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Accepts a list, or one string of comma-separated addresses (as a reply does). */
const addressList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(/[,;、]/).map((s) => s.trim()).filter(Boolean) : Array.isArray(value) ? value.map((s: unknown) => (typeof s === 'string' ? s.trim() : s)) : value,
  );

/** Longest subject a new mail takes: the code `[#IQ000123] ` is put in front of it when it goes out. */
export const NEW_MAIL_SUBJECT_MAX = 500;

/**
 * `POST /api/tickets/outbound`: 新規メール作成. A new ticket of `mailboxId` whose first article is
 * this mail, sent as a reply is (approval policy, undo window, send later, outbox).
 */
export class CreateNewMailDto {
  @ApiProperty({ description: 'The mailbox the mail is sent from (needs its reply right)' })
  @IsId()
  mailboxId: number;

  @ApiProperty({ type: [String], description: 'Recipients (1–50); the first one is the ticket’s contact' })
  @addressList()
  @IsArray()
  @ArrayMinSize(1, { message: 'at least one recipient is required' })
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in to must be a valid email address' })
  to: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in cc must be a valid email address' })
  cc?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in bcc must be a valid email address' })
  bcc?: string[];

  @ApiProperty({ maxLength: NEW_MAIL_SUBJECT_MAX })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'subject is required' })
  @MaxLength(NEW_MAIL_SUBJECT_MAX)
  subject: string;

  @ApiPropertyOptional({ maxLength: 100_000, description: 'The body (plain text). `body` is taken as the same field.' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  text?: string;

  @ApiPropertyOptional({ maxLength: 100_000, description: 'Same as `text`' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  body?: string;

  @ApiPropertyOptional({ description: 'The customer the ticket belongs to; without it, the one customer whose email is the first To address (needs customers.read)' })
  @IsOptional()
  @IsId()
  customerId?: number;

  @ApiPropertyOptional({ type: [String], description: 'Ids from POST /api/uploads (each file at most 10 MB)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('4', { each: true, message: 'each attachment must be an upload id from POST /api/uploads' })
  attachments?: string[];

  @ApiPropertyOptional({ description: 'Send later: an ISO time up to a year ahead' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 date and time' })
  sendAt?: string;

  @ApiPropertyOptional({ enum: AFTER_SEND, description: 'What the ticket becomes once the mail goes out (default handled)' })
  @IsOptional()
  @IsIn(AFTER_SEND, { message: `afterSend must be one of: ${AFTER_SEND.join(', ')}` })
  afterSend?: AfterSend;

  @ApiPropertyOptional({ description: 'With afterSend: hold — until when (ISO time, up to a year ahead)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'holdUntil must be an ISO 8601 date and time' })
  holdUntil?: string;

  @ApiPropertyOptional({ description: 'A sender template of the mailbox (From name/address, Reply-To)' })
  @IsOptional()
  @IsId()
  senderTemplateId?: number;

  @ApiPropertyOptional({ description: 'The signature template the text was written with (recorded only)' })
  @IsOptional()
  @IsId()
  signatureTemplateId?: number;
}

export class NewMailCreatedDto {
  @ApiProperty() ticketId: number;
  @ApiProperty({ example: 'IQ000123' }) code: string;
  @ApiProperty() replyId: number;
  @ApiProperty({ description: 'The reply as GET /api/replies/:id answers it (status queued or awaiting_approval, undoUntil, …)' })
  reply: object;
}
