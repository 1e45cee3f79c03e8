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

const trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
/** Empty strings clear an optional field. */
const emptyToNull = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value));

export class CustomerFieldsDto {
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'code must be digits only (up to 20)' })
  code?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  firstName?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  @Matches(/^[\u3040-\u30ff\uff66-\uff9f\s]+$/, { message: 'lastNameKana must be written in kana' })
  lastNameKana?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  @Matches(/^[\u3040-\u30ff\uff66-\uff9f\s]+$/, { message: 'firstNameKana must be written in kana' })
  firstNameKana?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(30)
  tel?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(30)
  mobile?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^(\d{3}-?\d{4}|[０-９]{3}[-－]?[０-９]{4})$/, { message: 'postalCode must look like 123-4567' })
  postalCode?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  address?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  branch?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  assigneeIds?: number[];

  @IsOptional()
  @IsIn(REGISTRATION_STATES, { message: `registrationState must be one of: ${REGISTRATION_STATES.join(', ')}` })
  registrationState?: RegistrationState;

  @IsOptional()
  @IsIn(LIST_FLAGS, { message: `listFlag must be one of: ${LIST_FLAGS.join(', ')}` })
  listFlag?: ListFlag;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(2000)
  comment?: string | null;

  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true }, { message: 'birthday must be a date (YYYY-MM-DD)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthday must be a date (YYYY-MM-DD)' })
  birthday?: string | null;

  @IsOptional()
  @IsBoolean()
  smsConsent?: boolean;
}

export class CreateCustomerDto extends CustomerFieldsDto {
  @trim()
  @IsString({ message: 'lastName is required' })
  @MinLength(1, { message: 'lastName is required' })
  @MaxLength(50)
  lastName: string;
}

export class UpdateCustomerDto extends CustomerFieldsDto {
  @IsOptional()
  @trim()
  @IsString()
  @MinLength(1, { message: 'lastName cannot be empty' })
  @MaxLength(50)
  lastName?: string;
}

/** Query of GET /api/customers and the CSV export: q searches every field; the rest narrow to one. */
export class CustomerQueryDto {
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @IsString() @MaxLength(20) code?: string;
  @IsOptional() @IsString() @MaxLength(100) name?: string;
  @IsOptional() @IsString() @MaxLength(100) kana?: string;
  @IsOptional() @IsString() @MaxLength(254) email?: string;
  @IsOptional() @IsString() @MaxLength(30) tel?: string;
  @IsOptional() @IsString() @MaxLength(10) postalCode?: string;
  @IsOptional() @IsString() @MaxLength(200) address?: string;
  @IsOptional() @IsString() @MaxLength(100) branch?: string;
  @IsOptional() @IsIn(REGISTRATION_STATES) registrationState?: RegistrationState;
  @IsOptional() @IsIn(LIST_FLAGS) listFlag?: ListFlag;
  @IsOptional() @Type(() => Number) @IsId() assigneeId?: number;
  @IsOptional() @IsIn(['code', 'name', 'kana', 'createdAt', 'updatedAt']) sort?: 'code' | 'name' | 'kana' | 'createdAt' | 'updatedAt';
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}
