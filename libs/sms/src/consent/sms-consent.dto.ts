import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SMS_CONSENT_METHODS, SmsConsentMethod } from './sms-consent.entity';

export class PutSmsConsentDto {
  @ApiProperty({ description: 'true: agreed to marketing SMS; false: opted out' })
  @IsBoolean({ message: 'optIn must be true or false' })
  optIn: boolean;

  @ApiProperty({ enum: SMS_CONSENT_METHODS })
  @IsIn(SMS_CONSENT_METHODS, { message: `method must be one of: ${SMS_CONSENT_METHODS.join(', ')}` })
  method: SmsConsentMethod;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}
