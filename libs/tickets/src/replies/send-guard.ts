import { ConflictException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Article } from '../article.entity';
import { Reply } from '../workflow/reply.entity';

/** What the composer had seen when it opened: the newest article and reply of the ticket. */
export interface SeenOnTicket {
  seenArticleId?: number;
  seenReplyId?: number;
  confirmChanged?: boolean;
}

/**
 * 409 `TICKET_CHANGED_SINCE_OPENED` with the ids of what arrived meanwhile:
 * `{statusCode, error, message, articleIds, replyIds}`.
 */
export class TicketChangedSinceOpened extends ConflictException {
  constructor(articleIds: number[], replyIds: number[]) {
    super({
      error: 'TICKET_CHANGED_SINCE_OPENED',
      message:
        'The customer or a colleague wrote on this ticket since you started the reply; read it, then send again with confirmChanged',
      articleIds,
      replyIds,
    });
  }
}

/**
 * Traffic cop: refuses a reply written without knowing of a newer customer message or of a
 * colleague's reply (sent, queued or waiting for approval) on the ticket. The caller's own
 * articles, internal comments (社内メモ) and replies not yet submitted do not count. Only what
 * the request names is checked (articles after `seenArticleId`, replies after `seenReplyId`):
 * nothing for API clients that name neither, nor once the writer confirms it read the news.
 */
export async function checkSeen(
  m: EntityManager,
  ticketId: number,
  userId: number,
  seen: SeenOnTicket,
): Promise<void> {
  if (seen.confirmChanged || (seen.seenArticleId === undefined && seen.seenReplyId === undefined)) return;
  const articles =
    seen.seenArticleId === undefined
      ? []
      : await m
          .getRepository(Article)
          .createQueryBuilder('a')
          .select(['a.id'])
          .where('a.ticketId = :ticketId AND a.id > :after', { ticketId, after: seen.seenArticleId })
          .andWhere("a.kind <> 'comment'")
          .andWhere("(a.direction = 'inbound' OR a.authorId IS NULL OR a.authorId <> :userId)", { userId })
          .orderBy('a.id', 'ASC')
          .limit(50)
          .getMany();
  const replies =
    seen.seenReplyId === undefined
      ? []
      : await m
          .getRepository(Reply)
          .createQueryBuilder('r')
          .select(['r.id', 'r.articleId'])
          .where('r.ticketId = :ticketId AND r.id > :after', { ticketId, after: seen.seenReplyId })
          .andWhere('(r.authorId IS NULL OR r.authorId <> :userId)', { userId })
          .andWhere("r.state NOT IN ('draft', 'rejected', 'cancelled')")
          .orderBy('r.id', 'ASC')
          .limit(50)
          .getMany();
  // A colleague's reply that already went out is its article; report each news once.
  const articleIds = articles.map((a) => a.id);
  const replyIds = replies.filter((r) => !r.articleId || !articleIds.includes(r.articleId)).map((r) => r.id);
  if (articleIds.length || replyIds.length) throw new TicketChangedSinceOpened(articleIds, replyIds);
}
