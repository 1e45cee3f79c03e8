import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional } from 'class-validator';
import { IMPORT_MATCH_BY, IMPORT_MODES, IMPORT_STATES, ImportMatchBy, ImportMode } from './customer-import.entity';
import { IMPORT_FIELDS } from './import-fields';

/** Largest mapping JSON read (a header may be long, but 200 columns of it is plenty). */
const MAX_MAPPING_CHARS = 20_000;

/** Multipart fields are strings: `mapping` arrives as JSON text, `atomic` as "true"/"false". */
export class StartImportDto {
  @Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    if (value.length > MAX_MAPPING_CHARS) return null;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  })
  @IsObject({ message: 'mapping must be a JSON object {"csv header": "customer field"}' })
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: [...IMPORT_FIELDS] }, description: 'JSON text {csvHeader: customerField}', example: { 姓: 'lastName', メールアドレス: 'email' } })
  mapping: Record<string, string>;

  @IsIn(IMPORT_MODES)
  @ApiProperty({ enum: IMPORT_MODES })
  mode: ImportMode;

  @IsOptional()
  @IsIn(IMPORT_MATCH_BY)
  @ApiPropertyOptional({ enum: IMPORT_MATCH_BY, default: 'code' })
  matchBy?: ImportMatchBy;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' || value === '' ? false : value))
  @IsBoolean()
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'all or nothing: nothing is written when any row has a problem' })
  atomic?: boolean;
}

export class ImportRowErrorDto {
  @ApiProperty({ type: Number, description: 'row as a spreadsheet numbers it (the header is row 1)' }) row: number;
  @ApiProperty({ type: String, description: 'the CSV column (header)' }) column: string;
  @ApiProperty({ type: String, description: 'the customer field' }) field: string;
  @ApiProperty({ type: String, example: 'INVALID_EMAIL' }) code: string;
  @ApiProperty({ type: String }) message: string;
}

export class ImportIdDto {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
}

export class ImportStatusDto {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_STATES }) state: string;
  @ApiProperty({ enum: IMPORT_MODES }) mode: string;
  @ApiProperty({ enum: IMPORT_MATCH_BY }) matchBy: string;
  @ApiProperty({ type: Boolean }) atomic: boolean;
  @ApiProperty({ type: String }) filename: string;
  @ApiProperty({ type: String, enum: ['utf-8', 'utf-8-bom', 'cp932'] }) encoding: string;
  @ApiProperty({ type: Number, nullable: true, description: 'data rows, known once the file was read through' }) total: number | null;
  @ApiProperty({ type: Number }) processed: number;
  @ApiProperty({ type: Number }) created: number;
  @ApiProperty({ type: Number }) updated: number;
  @ApiProperty({ type: Number }) skipped: number;
  @ApiProperty({ type: Number, description: 'all problems found; `errors` holds the first 1,000' }) errorCount: number;
  @ApiProperty({ type: [ImportRowErrorDto] }) errors: ImportRowErrorDto[];
  @ApiProperty({ type: String, nullable: true, example: 'IMPORT_HAS_ERRORS' }) failureCode: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: Date | null;
}

export class ImportPreviewDto {
  @ApiProperty({ type: String }) filename: string;
  @ApiProperty({ type: Number }) size: number;
  @ApiProperty({ type: String, enum: ['utf-8', 'utf-8-bom', 'cp932'] }) encoding: string;
  @ApiProperty({ type: String, enum: [',', '\t'] }) delimiter: string;
  @ApiProperty({ type: [String] }) headers: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: [...IMPORT_FIELDS] } }) mapping: Record<string, string>;
  @ApiProperty({ type: [String], enum: IMPORT_FIELDS }) fields: string[];
  @ApiProperty({ type: [String], enum: IMPORT_FIELDS, description: 'fields several columns may fill, joined in column order (an address split into 都道府県 / 市区町村 / 番地 / 建物名)' }) multiColumnFields: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } }, description: 'the first 10 data rows' }) rows: string[][];
}
