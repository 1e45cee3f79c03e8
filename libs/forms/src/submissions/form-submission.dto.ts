import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsObject } from 'class-validator';

export class FormSubmissionDto {
  /** One entry per field key: a string, or for checkbox fields a list of the chosen options. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { name: '山田 花子', email: 'hanako@example.jp', topic: ['見積'], body: '外壁塗装の見積をお願いします' } })
  @IsObject({ message: 'fields must be an object of field key → value' })
  fields: Record<string, unknown>;

  /** The spam trap the public page hides from people: leave it out or empty. */
  @ApiPropertyOptional({ description: 'Honeypot: must be absent or empty' })
  @Allow()
  website?: unknown;
}

export class FormCheckDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject({ message: 'fields must be an object of field key → value' })
  fields: Record<string, unknown>;

  /** Accepted and ignored, so the page can send the same body to both endpoints. */
  @Allow()
  website?: unknown;
}
