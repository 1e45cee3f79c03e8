import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export const MAX_SIGNATURE_LENGTH = 2000;

/** A user's own signature (plain text; empty: none). */
export class SignatureDto {
  @ApiProperty({ maxLength: MAX_SIGNATURE_LENGTH, example: '株式会社まどぐち\nサポート 山田 太郎' })
  @IsString()
  @MaxLength(MAX_SIGNATURE_LENGTH)
  signature: string;
}
