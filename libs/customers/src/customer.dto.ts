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
import { CUSTOMER_CSV_COLUMN_KEYS, CustomerCsvColumn } from './csv/customers-csv';
import { LIST_FLAGS, ListFlag, REGISTRATION_STATES, RegistrationState } from './customer.entity';

const trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
/** A query string's true/false (or 1/0); anything else stays as sent and fails @IsBoolean. */
const queryBool = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const v = obj[key];
    return v === 'true' || v === '1' || v === true
      ? true
      : v === 'false' || v === '0' || v === false
        ? false
        : v;
  });
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

  /** 会社名, for business customers. */
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  companyName?: string | null;

  /** 部署 */
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  department?: string | null;

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
  /** 姓 alone: any part of the 姓 or of its kana (the customer search dialog's field). */
  @ApiPropertyOptional({ type: String, maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  lastName?: string;
  /** 名 alone: any part of the 名 or of its kana. */
  @ApiPropertyOptional({ type: String, maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  firstName?: string;
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
  /** The MOBILE number only, any part, hyphens and full-width digits ignored (`tel` matches TEL and MOBILE). */
  @ApiPropertyOptional({ type: String, maxLength: 30 })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  mobile?: string;
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
  @ApiPropertyOptional({ type: String, maxLength: 100, description: '会社名 or 部署, any part' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  company?: string;
  /** 登録日 from / to: a date (YYYY-MM-DD, whole days in the company's time zone) or an ISO date-time. */
  @ApiPropertyOptional({ type: String, format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'registeredFrom must be a date (YYYY-MM-DD)' })
  registeredFrom?: string;
  @ApiPropertyOptional({ type: String, format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'registeredTo must be a date (YYYY-MM-DD)' })
  registeredTo?: string;
  /** 更新日 from / to, like the registration dates. */
  @ApiPropertyOptional({ type: String, format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'updatedFrom must be a date (YYYY-MM-DD)' })
  updatedFrom?: string;
  @ApiPropertyOptional({ type: String, format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'updatedTo must be a date (YYYY-MM-DD)' })
  updatedTo?: string;
  /** 誕生月, 1–12. */
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 12 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'birthdayMonth must be a month from 1 to 12' })
  @Min(1, { message: 'birthdayMonth must be a month from 1 to 12' })
  @Max(12, { message: 'birthdayMonth must be a month from 1 to 12' })
  birthdayMonth?: number;
  /** SMS配信同意: true = consented, false = not. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @queryBool()
  @IsBoolean({ message: 'smsConsent must be true or false' })
  smsConsent?: boolean;
  /** 携帯あり: true = has a mobile number, false = none. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @queryBool()
  @IsBoolean({ message: 'hasMobile must be true or false' })
  hasMobile?: boolean;
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

/** GET /api/customers/export.csv: the search's filters, and which columns (keys, comma-separated; all when absent). */
export class CustomerExportQueryDto extends CustomerQueryDto {
  @ApiPropertyOptional({
    type: String,
    description: `Comma-separated column keys, any of: ${CUSTOMER_CSV_COLUMN_KEYS.join(', ')}`,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray({ message: 'columns must be a comma-separated list of column keys' })
  @ArrayMaxSize(CUSTOMER_CSV_COLUMN_KEYS.length)
  @IsIn(CUSTOMER_CSV_COLUMN_KEYS, {
    each: true,
    message: `columns must be keys among: ${CUSTOMER_CSV_COLUMN_KEYS.join(', ')}`,
  })
  columns?: CustomerCsvColumn[];
}
