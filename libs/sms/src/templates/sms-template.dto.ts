import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { SMS_MAX_LENGTH } from '../segments';

export class CreateSmsTemplateDto {
  @ApiProperty({ maxLength: 100 })
  @IsString() @MinLength(1, { message: 'name is required' }) @MaxLength(100)
  name: string;

  /** The default subject of SMS written from it (placeholders allowed). */
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @IsString() @MaxLength(100)
  subject?: string;

  /** Up to 660 characters (code points), with placeholders such as `[[%氏名%]]`. */
  @ApiProperty({ maxLength: SMS_MAX_LENGTH })
  @IsString() @MinLength(1, { message: 'body is required' }) @MaxLength(SMS_MAX_LENGTH * 2)
  body: string;

  /** 「オンライン接客で使用する」 */
  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  usedForOnlineMeeting?: boolean;
}

export class UpdateSmsTemplateDto extends PartialType(CreateSmsTemplateDto) {}
