import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@madoguchi/core';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { LIST_FLAGS, ListFlag, REGISTRATION_STATES, RegistrationState } from './customer.entity';

const trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
/** Empty strings clear an optional field. */
const emptyToNull = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value));

export class CustomerFieldsDto {
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'code must be digits only (up to 20)' })
  @ApiPropertyOptional({ type: String, nullable: true })
  code?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true })
  firstName?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  @Matches(/^[\u3040-\u30ff\uff66-\uff9f\s]+$/, { message: 'lastNameKana must be written in kana' })
  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true })
  lastNameKana?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  @Matches(/^[\u3040-\u30ff\uff66-\uff9f\s]+$/, { message: 'firstNameKana must be written in kana' })
  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true })
  firstNameKana?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  @ApiPropertyOptional({ type: String, maxLength: 254, nullable: true })
  email?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(30)
  @ApiPropertyOptional({ type: String, maxLength: 30, nullable: true })
  tel?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(30)
  @ApiPropertyOptional({ type: String, maxLength: 30, nullable: true })
  mobile?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^(\d{3}-?\d{4}|[０-９]{3}[-－]?[０-９]{4})$/, { message: 'postalCode must look like 123-4567' })
  @ApiPropertyOptional({ type: String, nullable: true })
  postalCode?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  address?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  branch?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @ApiPropertyOptional({ type: [Number] })
  assigneeIds?: number[];

  @IsOptional()
  @IsIn(REGISTRATION_STATES, {
    message: `registrationState must be one of: ${REGISTRATION_STATES.join(', ')}`,
  })
  @ApiPropertyOptional({ enum: REGISTRATION_STATES })
  registrationState?: RegistrationState;

  @IsOptional()
  @IsIn(LIST_FLAGS, { message: `listFlag must be one of: ${LIST_FLAGS.join(', ')}` })
  @ApiPropertyOptional({ enum: LIST_FLAGS })
  listFlag?: ListFlag;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(2000)
  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true })
  comment?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true }, { message: 'birthday must be a date (YYYY-MM-DD)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthday must be a date (YYYY-MM-DD)' })
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  birthday?: string | null;

  @IsOptional()
  @IsBoolean()
  @ApiPropertyOptional({ type: Boolean })
  smsConsent?: boolean;
}

export class CreateCustomerDto extends CustomerFieldsDto {
  @trim()
  @IsString({ message: 'lastName is required' })
  @MinLength(1, { message: 'lastName is required' })
  @MaxLength(50)
  @ApiProperty({ type: String, maxLength: 50 })
  lastName: string;

  /** 登録通知メールを送る: send the registration 通知メール (to the business and the customer) as set in 通知メール編集. */
  @IsOptional()
  @IsBoolean()
  @ApiPropertyOptional({ type: Boolean, description: 'Default false: no mail' })
  notify?: boolean;
}

export class UpdateCustomerDto extends CustomerFieldsDto {
  @IsOptional()
  @trim()
  @IsString()
  @MinLength(1, { message: 'lastName cannot be empty' })
  @MaxLength(50)
  @ApiPropertyOptional({ type: String, maxLength: 50 })
  lastName?: string;
}

/** Query of GET /api/customers and the CSV export: q searches every field; the rest narrow to one. */
export class CustomerQueryDto {
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ type: String, maxLength: 20 })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  code?: string;
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  kana?: string;
  @ApiPropertyOptional({ type: String, maxLength: 254 })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
  @ApiPropertyOptional({ type: String, maxLength: 30 })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  tel?: string;
  @ApiPropertyOptional({ type: String, maxLength: 10 })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  postalCode?: string;
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string;
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  branch?: string;
  @ApiPropertyOptional({ enum: REGISTRATION_STATES })
  @IsOptional()
  @IsIn(REGISTRATION_STATES)
  registrationState?: RegistrationState;
  @ApiPropertyOptional({ enum: LIST_FLAGS })
  @IsOptional()
  @IsIn(LIST_FLAGS)
  listFlag?: ListFlag;
  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsId()
  assigneeId?: number;
  @ApiPropertyOptional({ enum: ['code', 'name', 'kana', 'createdAt', 'updatedAt'] })
  @IsOptional()
  @IsIn(['code', 'name', 'kana', 'createdAt', 'updatedAt'])
  sort?: 'code' | 'name' | 'kana' | 'createdAt' | 'updatedAt';
  @ApiPropertyOptional({ enum: ['asc', 'desc'] })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;
  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}
