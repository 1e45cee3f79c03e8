import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** `PUT /api/me/notification-preferences`: both choices, every time. */
export class NotificationPreferencesDto {
  @ApiProperty({ description: 'Also mail me when a ticket is assigned to me' })
  @IsBoolean()
  mailOnAssign: boolean;

  @ApiProperty({ description: 'Also mail me when an internal comment mentions me' })
  @IsBoolean()
  mailOnMention: boolean;
}
