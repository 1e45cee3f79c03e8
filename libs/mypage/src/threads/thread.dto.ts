import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  Max,
  ValidateNested,
} from 'class-validator';
import { MAX_POST_TEXT } from './thread-errors';

export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** One post: exactly one of `text` or `uploadId` (an upload of POST /api/uploads, image or file). */
export class StaffPostDto {
  @ApiPropertyOptional({
    type: String,
    maxLength: MAX_POST_TEXT,
    description: 'The text (at most 1,000 characters); or give uploadId',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_POST_TEXT)
  text?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    description: 'An upload (POST /api/uploads) to post as an image (jpg/png/gif) or a file; or give text',
  })
  @IsOptional()
  @IsUUID()
  uploadId?: string;
}

export class CreateThreadDto {
  @ApiProperty({ type: Number, description: 'The owner (customer id)' })
  @IsId()
  customerId: number;

  @ApiProperty({ type: String, maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  title: string;

  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true, description: 'Internal, staff only' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: 2000,
    nullable: true,
    description: 'Internal, never shown to the customer',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  memo?: string | null;

  @ApiProperty({ type: StaffPostDto })
  @ValidateNested()
  @Type(() => StaffPostDto)
  post: StaffPostDto;
}

export class DeleteThreadsDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  ids: number[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ThreadFilterDto {
  @ApiPropertyOptional({ type: String, maxLength: 20, description: 'Any part of the code (MS001826)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  code?: string;

  @ApiPropertyOptional({ type: String, maxLength: 100, description: 'Any part of the title' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string;

  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsId()
  customerId?: number;

  @ApiPropertyOptional({ type: String, maxLength: 100, description: "Any part of the customer's 支店名" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  branch?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: '担当顧客のみ表示: only customers the caller is assigned to',
  })
  @IsOptional()
  @Transform(({ value }) =>
    value === 'true' || value === '1' || value === true
      ? true
      : value === 'false' || value === '0' || value === false
        ? false
        : value,
  )
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({
    type: String,
    example: '2026-01-01',
    description: 'Last post on or after this day (YYYY-MM-DD, company time zone)',
  })
  @IsOptional()
  @Matches(DATE, { message: 'postedFrom must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  postedFrom?: string;

  @ApiPropertyOptional({
    type: String,
    example: '2026-01-31',
    description: 'Last post on or before this day (YYYY-MM-DD, company time zone)',
  })
  @IsOptional()
  @Matches(DATE, { message: 'postedTo must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  postedTo?: string;

  @ApiPropertyOptional({ type: String, maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string;
}

export class ThreadQueryDto extends ThreadFilterDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ enum: PAGE_SIZES, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsIn(PAGE_SIZES)
  pageSize?: number;
}

/** A portal post sent as JSON: a text. Images and files come as multipart with one `file`. */
export class PortalTextPostDto {
  @ApiProperty({ type: String, maxLength: MAX_POST_TEXT })
  @IsString()
  @MaxLength(MAX_POST_TEXT)
  text: string;
}

/** The multipart fields beside `file`: `kind=image` asks for an image (refused unless the bytes are JPEG, PNG or GIF). */
export class PortalFilePostDto {
  @ApiPropertyOptional({ enum: ['image', 'file'] })
  @IsOptional()
  @IsIn(['image', 'file'])
  kind?: 'image' | 'file';

  @ApiPropertyOptional({
    type: String,
    maxLength: MAX_POST_TEXT,
    description: 'Not allowed together with a file',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_POST_TEXT)
  text?: string;
}

export class PortalCreateThreadDto {
  @ApiProperty({ type: String, maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  title: string;

  @ApiProperty({ type: String, maxLength: MAX_POST_TEXT, description: 'The first post' })
  @IsString()
  @MaxLength(MAX_POST_TEXT)
  text: string;
}

export class PortalPasswordDto {
  @ApiProperty({ type: String, maxLength: 200 })
  @IsString()
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ type: String, maxLength: 200, description: '10–128 characters, not a common password' })
  @IsString()
  @MaxLength(200)
  newPassword: string;
}

export class PortalWithdrawalDto {
  @ApiPropertyOptional({ type: String, maxLength: 500, description: 'Why (optional)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** Editing a thread's title, label or memo (staff only); a field left out stays as it is. */
export class UpdateThreadDto {
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  title?: string;

  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  memo?: string | null;
}
