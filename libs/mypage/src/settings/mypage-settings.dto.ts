import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class MypageSettingsDto {
  /** The mailbox whose tickets hold the threads and whose sending account carries MYPAGE mails; null: the oldest active one. */
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Mailbox of the MYPAGE threads and mails; null: the oldest active mailbox',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  mailboxId: number | null;

  @ApiProperty({ type: Boolean, description: 'Customers may start threads on the portal' })
  @IsBoolean()
  customersMayStartThreads: boolean;

  /** Staff user ids told of a customer post when the customer has no 担当 (at most 20). */
  @ApiProperty({
    type: [Number],
    maxItems: 20,
    description: 'Staff user ids notified of posts by customers without an assignee',
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  fallbackRecipients: number[];
}
