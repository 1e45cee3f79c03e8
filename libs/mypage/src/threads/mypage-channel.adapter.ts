import {
  ChannelAdapter,
  ChannelFailure,
  ChannelReceipt,
  ChannelRegistry,
  fieldError,
  OutboundDraft,
  OutboxEntry,
  PreparedMessage,
  Recipient,
  ValidationFailed,
} from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MAX_POST_TEXT, PostNeedsOneContent, PostTextTooLong } from './thread-errors';
import { ThreadsService } from './threads.service';

/** The MYPAGE channel account of a mailbox: the mailbox itself (posts go nowhere but the portal). */
export interface MypageChannel {
  mailboxId: number;
  name: string;
}

/** What a MYPAGE outbox row carries: the approved text (the post is found by the row's article). */
export interface MypagePayload {
  to: string;
  text: string;
}

/** The post could not be made visible (a database error): tried again like any send. */
class PublishFailed extends Error {}

/**
 * The MYPAGE channel (house style: Channels). A staff post is a reply on the thread's ticket;
 * when the reply machine's final approval put it in the outbox, the dispatcher hands it here and
 * `send` makes the post visible on the portal, marks the thread NEW for the customer and queues
 * the notification mail — once, whatever retries or crash recovery call it again (the post's
 * state decides, in one transaction). Nothing leaves the building, so nothing is captured.
 */
@Injectable()
export class MypageChannelAdapter implements ChannelAdapter<MypageChannel> {
  readonly kind = 'mypage' as const;

  constructor(
    private readonly threads: ThreadsService,
    private readonly mailboxes: MailboxesService,
    registry: ChannelRegistry,
  ) {
    registry.register(this);
  }

  async channel(mailboxId: number): Promise<MypageChannel | null> {
    const name = (await this.mailboxes.names([mailboxId])).get(mailboxId);
    return name === undefined ? null : { mailboxId, name };
  }

  canSend(channel: MypageChannel | null): boolean {
    return channel !== null;
  }

  identity(channel: MypageChannel): Recipient {
    return { address: '', name: channel.name };
  }

  async verify(): Promise<void> {}

  /** A MYPAGE post goes to its thread (`mypage:<code>`), and holds a text of at most 1,000 characters or one file. */
  check(_channel: MypageChannel, draft: OutboundDraft): void {
    if (draft.to.length !== 1 || !/^mypage:ms\d{6,}$/i.test(draft.to[0].address))
      throw new ValidationFailed({
        to: [
          fieldError(
            'MYPAGE_RECIPIENT',
            'a MYPAGE post goes to its thread (mypage:<code>): reply from the MYPAGE thread',
          ),
        ],
      });
    if (draft.text.length > MAX_POST_TEXT) throw new PostTextTooLong();
    if ((draft.text.trim() !== '') === draft.attachments.length > 0 || draft.attachments.length > 1)
      throw new PostNeedsOneContent();
  }

  prepare(_channel: MypageChannel, draft: OutboundDraft): PreparedMessage {
    const to = draft.to[0]?.address ?? '';
    const payload: MypagePayload = { to, text: draft.text };
    return {
      idempotencyKey: `mypage-${randomUUID()}`,
      target: to,
      payload: JSON.stringify(payload),
      externalId: null,
      thread: { parent: null, ancestry: [] },
    };
  }

  async send(_channel: MypageChannel | null, row: OutboxEntry): Promise<ChannelReceipt> {
    await this.threads.publish(row).catch((e: Error) => {
      throw new PublishFailed(e.message);
    });
    return { captured: false, note: null };
  }

  classify(e: unknown): ChannelFailure {
    return { code: 'MYPAGE_PUBLISH_FAILED', giveUp: 'later', detail: (e as Error)?.message ?? String(e) };
  }

  /** After a crash mid-send: publishing is idempotent, so it is simply done (again). */
  async confirm(
    _channel: MypageChannel | null,
    row: OutboxEntry,
  ): Promise<'sent' | 'captured' | 'unknown' | 'later'> {
    if (await this.threads.published(row)) return 'sent';
    await this.threads.publish(row);
    return 'sent';
  }
}
