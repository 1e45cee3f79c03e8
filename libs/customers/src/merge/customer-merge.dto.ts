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
  IsObject,
  IsOptional,
  Max,
  Min,
} from 'class-validator';
import { DUPLICATE_KEYS, DuplicateKey, MAX_MERGED, MERGEABLE_FIELDS } from './customer-merge.service';

export class DuplicatesQueryDto {
  @ApiProperty({ enum: DUPLICATE_KEYS })
  @IsIn(DUPLICATE_KEYS, { message: `key must be one of: ${DUPLICATE_KEYS.join(', ')}` })
  key: DuplicateKey;

  /** 誕生日が入力されている会員のみ対象. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '1' || value === true
      ? true
      : value === 'false' || value === '0' || value === '' || value === false
        ? false
        : value,
  )
  @IsBoolean({ message: 'birthdayOnly must be true or false' })
  birthdayOnly?: boolean;

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
  @Max(100)
  pageSize?: number;
}

export class MergeCustomersDto {
  @ApiProperty({ type: Number })
  @IsId()
  survivorId: number;

  @ApiProperty({ type: [Number] })
  @IsArray()
  @ArrayMinSize(1, { message: 'name at least one customer to merge' })
  @ArrayMaxSize(MAX_MERGED)
  @IsInt({ each: true })
  @Min(1, { each: true })
  mergedIds: number[];

  /** Field name → id of the customer whose value survives (one of survivorId, mergedIds). */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: `keys: ${MERGEABLE_FIELDS.join(', ')}`,
  })
  @IsOptional()
  @IsObject({ message: 'fields must be an object of field name → customer id' })
  fields?: Record<string, number>;
}
