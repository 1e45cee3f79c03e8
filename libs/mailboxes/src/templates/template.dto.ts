import { IsId } from '@madoguchi/core';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { TEMPLATE_KINDS, TemplateKind } from './template.entity';

const kindMessage = { message: `kind must be one of: ${TEMPLATE_KINDS.join(', ')}` };

/** Limits of a template's fields, shared by create and update. */
export const TEMPLATE_LIMITS = { name: 100, body: 20_000, fromName: 255, address: 254 } as const;

export class TemplateQueryDto {
  /** The mailbox's own templates and the shared ones; without it, only the shared ones. */
  @ApiPropertyOptional({ type: Number, description: "The mailbox's own templates and the shared ones; without it, only the shared ones" })
  @IsOptional() @Type(() => Number) @IsId() mailboxId?: number;
  @ApiPropertyOptional({ enum: TEMPLATE_KINDS })
  @IsOptional() @IsIn(TEMPLATE_KINDS, kindMessage) kind?: TemplateKind;
}

export class CreateTemplateDto {
  /** Absent or null: shared by every mailbox (needs admin). */
  @IsOptional() @IsId() mailboxId?: number | null;

  @ApiPropertyOptional({ enum: TEMPLATE_KINDS })
  @IsIn(TEMPLATE_KINDS, kindMessage)
  kind: TemplateKind;

  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(TEMPLATE_LIMITS.name)
  name: string;

  /** The text of a body or signature template, with placeholders such as `{{customer.name}}`. */
  @IsOptional() @IsString() @MaxLength(TEMPLATE_LIMITS.body) body?: string | null;

  /** Sender templates: the From display name (placeholders allowed). */
  @IsOptional() @IsString() @MaxLength(TEMPLATE_LIMITS.fromName) fromName?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'fromAddress must be a valid email address' })
  @MaxLength(TEMPLATE_LIMITS.address)
  fromAddress?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'replyTo must be a valid email address' })
  @MaxLength(TEMPLATE_LIMITS.address)
  replyTo?: string | null;
}

/** The mailbox a template belongs to is fixed when it is created. */
export class UpdateTemplateDto {
  @ApiPropertyOptional({ enum: TEMPLATE_KINDS })
  @IsOptional() @IsIn(TEMPLATE_KINDS, kindMessage) kind?: TemplateKind;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(TEMPLATE_LIMITS.name)
  name?: string;

  @IsOptional() @IsString() @MaxLength(TEMPLATE_LIMITS.body) body?: string | null;
  @IsOptional() @IsString() @MaxLength(TEMPLATE_LIMITS.fromName) fromName?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'fromAddress must be a valid email address' })
  @MaxLength(TEMPLATE_LIMITS.address)
  fromAddress?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'replyTo must be a valid email address' })
  @MaxLength(TEMPLATE_LIMITS.address)
  replyTo?: string | null;
}
