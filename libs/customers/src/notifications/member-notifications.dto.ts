import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MEMBER_NOTIFICATION_TEMPLATES, MemberNotificationTemplate } from './member-notification-templates';

/** One template: on/off, subject (≤ 200) and body (≤ 5,000). */
export class MemberNotificationTextDto {
  @ApiProperty() @IsBoolean() enabled: boolean;

  @ApiProperty({ type: String, maxLength: 200 })
  @IsString()
  @MinLength(1, { message: 'subject is required' })
  @MaxLength(200)
  subject: string;

  @ApiProperty({ type: String, maxLength: 5000 })
  @IsString()
  @MinLength(1, { message: 'body is required' })
  @MaxLength(5000)
  body: string;
}

/** `recipients`: at most 5 addresses, as a list or one string separated by `;`. */
export class AdminNotificationTextDto extends MemberNotificationTextDto {
  @ApiProperty({
    type: [String],
    maxItems: 5,
    example: ['info@example.jp', 'shop@example.jp'],
    description: 'A list, or one string of addresses separated by `;`',
  })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(/[;\n,]/)
          .map((a) => a.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray({ message: 'recipients must be a list of email addresses' })
  @IsString({ each: true })
  recipients: string[];
}

/** 通知メール編集: the three templates, all given on save. */
export class MemberNotificationsDto {
  @ApiProperty({
    type: AdminNotificationTextDto,
    description: 'To the business when a customer registers: {time} {name} {contents}',
  })
  @IsObject({ message: 'adminOnRegister must be an object with enabled, subject and body' })
  @ValidateNested()
  @Type(() => AdminNotificationTextDto)
  adminOnRegister: AdminNotificationTextDto;

  @ApiProperty({
    type: MemberNotificationTextDto,
    description: 'To the customer on registration: {time} {name}',
  })
  @IsObject({ message: 'customerOnRegister must be an object with enabled, subject and body' })
  @ValidateNested()
  @Type(() => MemberNotificationTextDto)
  customerOnRegister: MemberNotificationTextDto;

  @ApiProperty({ type: MemberNotificationTextDto, description: 'To the customer on withdrawal: {name}' })
  @IsObject({ message: 'customerOnWithdraw must be an object with enabled, subject and body' })
  @ValidateNested()
  @Type(() => MemberNotificationTextDto)
  customerOnWithdraw: MemberNotificationTextDto;
}

export class MemberNotificationPreviewDto {
  @ApiProperty({ enum: MEMBER_NOTIFICATION_TEMPLATES })
  @IsIn(MEMBER_NOTIFICATION_TEMPLATES, {
    message: `template must be one of ${MEMBER_NOTIFICATION_TEMPLATES.join(', ')}`,
  })
  template: MemberNotificationTemplate;

  @ApiProperty() @IsId() customerId: number;

  /** Unsaved text to preview instead of the saved one (the editor's current text). */
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ type: String, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  body?: string;
}

export class MemberNotificationPreviewView {
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  /** Where it would go: the customer's address (null: none, so it would not be sent) or the business recipients. */
  @ApiProperty({ type: [String] }) to: string[];
}
