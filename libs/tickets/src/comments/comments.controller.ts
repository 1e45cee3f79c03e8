import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommentDto } from './comment.dto';
import { CommentsService } from './comments.service';

/**
 * 社内メモ (internal comments) on a ticket's timeline: never sent, never shown to customers.
 * Writing needs the mailbox's reply right; only the author edits or deletes (others get 404).
 */
@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  /** Adds a comment; `@name` mentions notify those colleagues in the app. Answers the timeline article. */
  @Post('tickets/:id/comments')
  create(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto, @CurrentPrincipal() p: Principal) {
    return this.comments.create(id, dto, p);
  }

  /** Edits your own comment; only colleagues newly mentioned are notified. */
  @Patch('comments/:id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto, @CurrentPrincipal() p: Principal) {
    return this.comments.update(id, dto, p);
  }

  /** Deletes your own comment from the timeline. */
  @Delete('comments/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.comments.remove(id, p);
  }
}
