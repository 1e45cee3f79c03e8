import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { FORM_FIELD_TYPES, FORM_LIMITS, FormFieldType } from './form-definition';

/*
 * The DTOs check shapes and lengths; what depends on the whole form (one email field named as
 * replyEmailField, unique keys, options only for choice types, known placeholders, a free slug)
 * is checked by checkFormDefinition and the service, with a message under each field.
 */

export class FormFieldDto {
  /** a-z first, then a-z, 0-9 and _; used in `{{field.<key>}}` and routing rules (`form.<key>`). */
  @ApiProperty({ example: 'name' })
  @IsString() @MaxLength(FORM_LIMITS.key) key: string;

  @ApiProperty({ example: 'お名前' })
  @IsString() @MaxLength(FORM_LIMITS.label) label: string;

  @ApiProperty({ enum: FORM_FIELD_TYPES })
  @IsIn(FORM_FIELD_TYPES, { message: `type must be one of: ${FORM_FIELD_TYPES.join(', ')}` })
  type: FormFieldType;

  @ApiProperty()
  @IsBoolean() required: boolean;

  /** Characters, for text (≤ 1000, default 200), textarea (≤ 10000, default 5000), email (≤ 254) and tel (≤ 30). */
  @ApiPropertyOptional()
  @IsOptional() @IsInt() maxLength?: number;

  /** The choices of select, radio and checkbox fields (≤ 50, each ≤ 100 characters). */
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(FORM_LIMITS.options) @IsString({ each: true }) @MaxLength(FORM_LIMITS.option, { each: true }) options?: string[];
}

export class ThankYouDto {
  @ApiProperty()
  @IsBoolean() enabled: boolean;

  /** May use `{{form.name}}` and `{{field.<key>}}`. */
  @ApiProperty({ example: '【{{form.name}}】お問い合わせありがとうございます' })
  @IsString() @MaxLength(FORM_LIMITS.subject) subject: string;

  @ApiProperty({ example: '{{field.name}} 様\n\nお問い合わせを受け付けました。' })
  @IsString() @MaxLength(FORM_LIMITS.body) body: string;
}

export class CreateFormDto {
  @ApiProperty({ example: 'お問い合わせ' })
  @IsString() @MaxLength(FORM_LIMITS.name) name: string;

  /** The public address /forms/<slug>: a-z, 0-9 and hyphens; made from the name (or `form-<n>`) when absent. */
  @ApiPropertyOptional({ example: 'contact' })
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.slug) slug?: string | null;

  /** Plain text shown above the fields. */
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.description) description?: string | null;

  @ApiProperty({ type: [FormFieldDto] })
  @IsArray() @ArrayMaxSize(FORM_LIMITS.fields) @ValidateNested({ each: true }) @Type(() => FormFieldDto) fields: FormFieldDto[];

  /** The key of the form's one email field: where replies and the thank-you mail go. */
  @ApiProperty({ example: 'email' })
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.key) replyEmailField?: string;

  @ApiPropertyOptional({ type: ThankYouDto, description: 'Absent: no thank-you mail' })
  @IsOptional() @ValidateNested() @Type(() => ThankYouDto) thankYou?: ThankYouDto;

  /** false: the public page and submissions answer 404 (default true). */
  @ApiPropertyOptional()
  @IsOptional() @IsBoolean() active?: boolean;

  /** The ticket's subject: `{{form.name}}` and `{{field.<key>}}` (≤ 200); null or empty: `<form name>` or `<form name>: <subject field>`. */
  @ApiPropertyOptional({ type: String, nullable: true, example: '{{form.name}}: {{field.topic}}（{{field.name}}）' })
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.subject) subjectTemplate?: string | null;
}

/** Any subset; `fields` replaces the whole list. The mailbox cannot be changed. */
export class UpdateFormDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.name) name?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.slug) slug?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.description) description?: string | null;

  @ApiPropertyOptional({ type: [FormFieldDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(FORM_LIMITS.fields) @ValidateNested({ each: true }) @Type(() => FormFieldDto) fields?: FormFieldDto[];

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.key) replyEmailField?: string;

  @ApiPropertyOptional({ type: ThankYouDto })
  @IsOptional() @ValidateNested() @Type(() => ThankYouDto) thankYou?: ThankYouDto;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean() active?: boolean;

  /** The ticket's subject: `{{form.name}}` and `{{field.<key>}}` (≤ 200); null or empty: `<form name>` or `<form name>: <subject field>`. */
  @ApiPropertyOptional({ type: String, nullable: true, example: '{{form.name}}: {{field.topic}}（{{field.name}}）' })
  @IsOptional() @IsString() @MaxLength(FORM_LIMITS.subject) subjectTemplate?: string | null;
}
