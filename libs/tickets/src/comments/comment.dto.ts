import { IsString, MaxLength, MinLength } from 'class-validator';

/** 社内メモ: an internal comment on a ticket's timeline, never sent to the customer. */
export class CommentDto {
  /** The note, 1..10,000 characters; `@name` mentions a colleague who can see the mailbox. */
  @IsString({ message: 'body must be text' })
  @MinLength(1, { message: 'body is required' })
  @MaxLength(10_000, { message: 'body must be at most 10,000 characters' })
  body: string;
}
