import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** 迷惑メール on one ticket; `block` also blocks its sender's address or domain for the mailbox (needs manage). */
export class MarkSpamDto {
  @IsOptional() @IsIn(['address', 'domain'], { message: 'block must be address or domain' }) block?: 'address' | 'domain';
}

/** A sender to block: `taro@example.jp` (an address) or `@example.jp` / `example.jp` given with a leading `@` (a domain). */
export class BlockedSenderDto {
  @IsString({ message: 'pattern must be text' })
  @MaxLength(255, { message: 'pattern must be at most 255 characters' })
  pattern: string;
}
