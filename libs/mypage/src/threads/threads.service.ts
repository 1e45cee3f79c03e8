import type { ListFlag } from '@madoguchi/customers';
import { Principal, UsersService } from '@madoguchi/auth';
import { CustomersService, HistoryService } from '@madoguchi/customers';
import {
  APP_CONFIG,
  AppConfig,
  AuditService,
  BLOB_STORAGE,
  BlobStorage,
  Clock,
  escapeLike,
  fieldError,
  hasControlCharacter,
  MissingRight,
  NotFound,
  OutboxEntry,
  SequenceService,
  ValidationFailed,
} from '@madoguchi/core';
import {
  InboundMessage,
  NotificationsService,
  RepliesService,
  ReplyStatus,
  TicketEvents,
  TicketsService,
  UploadsService,
} from '@madoguchi/tickets';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { PortalAccount } from '../accounts/portal-account.entity';
import { customerActor, PortalCustomer } from '../accounts/portal-auth.service';
import { MypageSettingsService } from '../settings/mypage-settings.service';
import { MypagePost, PostKind } from './mypage-post.entity';
import { MypageThread } from './mypage-thread.entity';
import { CheckedFile, IMAGE_TYPES } from './post-content';
import { ThreadEvents } from './thread-events.service';
import {
  CustomersMayNotStartThreads,
  MAX_POST_BYTES,
  MAX_POST_TEXT,
  MypageNoMailbox,
  PostFileTooLarge,
  PostNeedsOneContent,
  PostNotAnImage,
  PostTextTooLong,
  PostUploadNotFound,
} from './thread-errors';
import { postSummary, ThreadMail } from './thread-mail';
import {
  CreateThreadDto,
  StaffPostDto,
  ThreadFilterDto,
  ThreadQueryDto,
  UpdateThreadDto,
} from './thread.dto';

export interface ThreadListItem {
  id: number;
  code: string;
  title: string;
  customer: { id: number; code: string; name: string; listFlag: ListFlag };
  lastPostAt: Date;
  isNew: boolean;
  label: string | null;
  /** The thread's ticket: the console's ticket events (`/api/events`) name it when the thread changes. */
  ticketId: number | null;
}

export interface PostFileView {
  filename: string;
  contentType: string;
  size: number;
  /** Where the bytes are read (permission-checked in the realm that asks). */
  url: string;
}

export interface StaffPostView {
  id: number;
  author: 'customer' | 'staff';
  staff: { id: number; name: string } | null;
  kind: PostKind;
  text: string | null;
  file: PostFileView | null;
  /** `visible`: on the portal; `pending`: a staff post not yet out (see `replyStatus`). */
  state: 'pending' | 'visible';
  replyId: number | null;
  /** A staff post's reply: awaiting_approval, rejected, queued, sent, … (null for a customer's post). */
  replyStatus: ReplyStatus | null;
  articleId: number | null;
  createdAt: Date;
  visibleAt: Date | null;
}

export interface StaffThreadView {
  id: number;
  code: string;
  title: string;
  label: string | null;
  memo: string | null;
  customer: { id: number; code: string; name: string; listFlag: ListFlag };
  mailboxId: number;
  ticketId: number | null;
  createdBy: { id: number; name: string } | null;
  createdByCustomer: boolean;
  lastPostAt: Date;
  isNew: boolean;
  createdAt: Date;
  updatedAt: Date;
  posts: StaffPostView[];
}

export interface PortalPostView {
  id: number;
  author: 'customer' | 'staff';
  /** The customer's name, or the staff member's. */
  authorName: string;
  kind: PostKind;
  text: string | null;
  file: PostFileView | null;
  createdAt: Date;
}

export interface PortalThreadListItem {
  id: number;
  code: string;
  title: string;
  lastPostAt: Date;
  createdAt: Date;
  /** A staff post reached the portal since the customer last opened the thread. */
  hasNewStaffPosts: boolean;
}

export interface PortalThreadView extends PortalThreadListItem {
  posts: PortalPostView[];
}

/** What a customer posts: a text, or a file already typed by its bytes. */
export type PortalPostContent = { text: string } | { file: CheckedFile & { bytes: Buffer } };

export interface PostDownload {
  stream: Readable;
  filename: string;
  contentType: string;
  size: number;
  /** Images (JPEG, PNG, GIF by their bytes) may be shown inline; everything else is a download. */
  inline: boolean;
}

type ReplyDto = Parameters<RepliesService['submitOnTicket']>[2];

const DEFAULT_PAGE_SIZE = 50;
/** The portal shows a thread's latest posts; a thread is a conversation, not an archive. */
const POSTS_SHOWN = 500;
const THREAD_CODE_SEQUENCE = 'mypage_thread_code';

export const threadKey = (threadId: number) => `mypage-thread:${threadId}`;
export const formatThreadCode = (n: number) => `MS${String(n).padStart(6, '0')}`;

/** A bare date's start (or, as an upper bound, the next day's start) in the company's time zone. */
function dayBound(value: string, timeZone: string, upper: boolean): Date {
  const [y, mo, d] = value.split('-').map(Number);
  const utcMidnight = Date.UTC(y, mo - 1, d + (upper ? 1 : 0));
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(utcMidnight))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 : 0;
  return new Date(utcMidnight - offset);
}

/**
 * MYPAGE threads (§5): a customer's conversation tied to one ticket of channel `mypage`. A
 * customer's post is filed through TicketsService.receive (so it makes the ticket 未対応 and
 * reopens a handled one); a staff member's post is a reply on that ticket under the mailbox's
 * approval policy and reaches the portal only when MypageChannelAdapter sends it, after the
 * final approval. Staff see threads of the mailboxes they may view, with the `mypage` right; a
 * customer sees only their own. Label and memo never leave the staff side.
 */
@Injectable()
export class ThreadsService {
  private readonly logger = new Logger('MypageThreads');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly sequences: SequenceService,
    private readonly customers: CustomersService,
    private readonly history: HistoryService,
    private readonly users: UsersService,
    private readonly tickets: TicketsService,
    private readonly replies: RepliesService,
    private readonly uploads: UploadsService,
    private readonly notifications: NotificationsService,
    private readonly ticketEvents: TicketEvents,
    private readonly events: ThreadEvents,
    private readonly settings: MypageSettingsService,
    private readonly mail: ThreadMail,
  ) {}

  // ---- staff ---------------------------------------------------------------------------

  async list(
    q: ThreadQueryDto,
    p: Principal,
  ): Promise<{ items: ThreadListItem[]; total: number; page: number; pageSize: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
    const qb = await this.filtered(q, p);
    if (!qb) return { items: [], total: 0, page, pageSize };
    const total = await qb.getCount();
    const rows = await qb
      .orderBy('t.last_post_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getMany();
    return { items: await this.listItems(rows), total, page, pageSize };
  }

  /** Every listed thread (all pages), in batches, for the CSV export. */
  async *iterate(
    q: ThreadFilterDto,
    p: Principal,
    batch = 500,
  ): AsyncGenerator<(ThreadListItem & { createdAt: Date; createdBy: string })[]> {
    let afterId = 0;
    const names = await this.users.allNames();
    for (;;) {
      const qb = await this.filtered(q, p);
      if (!qb) return;
      const rows = await qb
        .andWhere('t.id > :afterId', { afterId })
        .orderBy('t.id', 'ASC')
        .take(batch)
        .getMany();
      if (!rows.length) return;
      const items = await this.listItems(rows);
      yield items.map((item, i) => ({
        ...item,
        createdAt: rows[i].createdAt,
        createdBy: rows[i].createdByCustomer
          ? 'お客様'
          : rows[i].createdByUserId
            ? (names.get(rows[i].createdByUserId!) ?? `#${rows[i].createdByUserId}`)
            : '',
      }));
      afterId = rows[rows.length - 1].id;
    }
  }

  /** The search of メッセージ管理, among the mailboxes the caller may view; null: nothing can match. */
  private async filtered(q: ThreadFilterDto, p: Principal): Promise<SelectQueryBuilder<MypageThread> | null> {
    const qb = this.dataSource.getRepository(MypageThread).createQueryBuilder('t');
    const visible = p.visibleMailboxIds();
    if (visible && !visible.length) return null;
    if (visible) qb.andWhere('t.mailbox_id IN (:...visible)', { visible });
    // Stored text never holds a control character (and SQLite would end a bound pattern at a NUL).
    if ([q.code, q.title, q.branch, q.label].some((v) => typeof v === 'string' && hasControlCharacter(v)))
      return null;
    const like = (s: string) => `%${escapeLike(s)}%`;
    const code = q.code?.trim().normalize('NFKC').toUpperCase();
    if (code) qb.andWhere("t.code LIKE :code ESCAPE '!'", { code: like(code) });
    const title = q.title?.trim();
    if (title) qb.andWhere("t.title LIKE :title ESCAPE '!'", { title: like(title) });
    if (q.customerId !== undefined) qb.andWhere('t.customer_id = :customerId', { customerId: q.customerId });
    if (q.label?.trim()) qb.andWhere('t.label = :label', { label: q.label.trim() });
    if (q.postedFrom)
      qb.andWhere('t.last_post_at >= :from', {
        from: dayBound(q.postedFrom, this.config.company.timeZone, false),
      });
    if (q.postedTo)
      qb.andWhere('t.last_post_at < :to', { to: dayBound(q.postedTo, this.config.company.timeZone, true) });
    // Branch and 担当 are the customers lib's: it answers with the matching customers' ids.
    const sets: number[][] = [];
    if (q.branch?.trim()) sets.push(await this.customerIds({ branch: q.branch.trim() }));
    if (q.mine) sets.push(await this.customerIds({ assigneeId: p.userId }));
    for (const [i, ids] of sets.entries()) {
      if (!ids.length) return null;
      qb.andWhere(
        new Brackets((w) => {
          // IN lists in chunks: SQLite and MySQL both take long lists, but not unbounded ones.
          for (let k = 0; k < ids.length; k += 5000)
            w.orWhere(`t.customer_id IN (:...c${i}_${k})`, { [`c${i}_${k}`]: ids.slice(k, k + 5000) });
        }),
      );
    }
    return qb;
  }

  private async customerIds(query: { branch?: string; assigneeId?: number }): Promise<number[]> {
    const ids: number[] = [];
    for await (const batch of this.customers.idsWithFirstAssignee({ query }))
      ids.push(...batch.map((b) => b.id));
    return ids;
  }

  private async listItems(rows: MypageThread[]): Promise<ThreadListItem[]> {
    const customers = await this.customers.namesAndCodes(rows.map((r) => r.customerId));
    return rows.map((t) => ({
      id: t.id,
      code: t.code,
      title: t.title,
      customer: {
        id: t.customerId,
        code: customers.get(t.customerId)?.code ?? '',
        name: customers.get(t.customerId)?.name ?? '',
        listFlag: customers.get(t.customerId)?.listFlag ?? 'normal',
      },
      lastPostAt: t.lastPostAt,
      isNew: t.staffUnread,
      label: t.label,
      ticketId: t.ticketId,
    }));
  }

  /** The thread if the caller may see it (the `mypage` right is checked by the route; the mailbox here); else 404. */
  private async visibleThread(
    id: number,
    p: Principal,
    m: EntityManager = this.dataSource.manager,
  ): Promise<MypageThread> {
    const t = await m.findOneBy(MypageThread, { id });
    if (!t || !p.can(t.mailboxId, 'view')) throw new NotFound('mypage thread', id);
    return t;
  }

  /** The thread with its posts. Opening it clears NEW for every staff member, told live through the ticket events. */
  async get(id: number, p: Principal): Promise<StaffThreadView> {
    const t = await this.visibleThread(id, p);
    if (t.staffUnread) {
      const res = await this.dataSource
        .getRepository(MypageThread)
        .update({ id, staffUnread: true }, { staffUnread: false, updatedAt: this.clock.now() });
      if (res.affected) {
        t.staffUnread = false;
        this.changed(t);
      }
    }
    return this.staffView(t);
  }

  private async staffView(t: MypageThread): Promise<StaffThreadView> {
    const posts = await this.posts(t.id);
    const staffIds = [
      ...new Set(
        [...posts.map((x) => x.staffUserId), t.createdByUserId].filter((x): x is number => x !== null),
      ),
    ];
    const names = await this.users.names(staffIds);
    const statuses = await this.replies.statusesOf(
      posts.map((x) => x.replyId).filter((x): x is number => x !== null),
    );
    const customer = (await this.customers.namesAndCodes([t.customerId])).get(t.customerId);
    return {
      id: t.id,
      code: t.code,
      title: t.title,
      label: t.label,
      memo: t.memo,
      customer: {
        id: t.customerId,
        code: customer?.code ?? '',
        name: customer?.name ?? '',
        listFlag: customer?.listFlag ?? 'normal',
      },
      mailboxId: t.mailboxId,
      ticketId: t.ticketId,
      createdBy: t.createdByUserId
        ? { id: t.createdByUserId, name: names.get(t.createdByUserId) ?? `#${t.createdByUserId}` }
        : null,
      createdByCustomer: t.createdByCustomer,
      lastPostAt: t.lastPostAt,
      isNew: t.staffUnread,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      posts: posts.map((x) => ({
        id: x.id,
        author: x.author,
        staff: x.staffUserId
          ? { id: x.staffUserId, name: names.get(x.staffUserId) ?? `#${x.staffUserId}` }
          : null,
        kind: x.kind,
        text: x.text,
        file: this.fileView(x, `/api/mypage/threads/${t.id}/posts/${x.id}/file`),
        state: x.state,
        replyId: x.replyId,
        replyStatus: x.replyId ? (statuses.get(x.replyId) ?? null) : null,
        articleId: x.articleId,
        createdAt: x.createdAt,
        visibleAt: x.visibleAt,
      })),
    };
  }

  private async posts(threadId: number, onlyVisible = false): Promise<MypagePost[]> {
    const newestFirst = await this.dataSource.getRepository(MypagePost).find({
      where: { threadId, ...(onlyVisible ? { state: 'visible' as const } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: POSTS_SHOWN,
    });
    return newestFirst.reverse();
  }

  private fileView(x: MypagePost, url: string): PostFileView | null {
    return x.kind === 'text' || !x.blobKey
      ? null
      : {
          filename: x.filename ?? 'file',
          contentType: x.contentType ?? 'application/octet-stream',
          size: x.size ?? 0,
          url,
        };
  }

  /** The karte's list: the customer's threads among those the caller may see. */
  async forCustomer(customerId: number, p: Principal) {
    await this.customers.get(customerId);
    return this.list({ customerId, pageSize: 100 }, p);
  }

  /**
   * A new thread by staff (from the list or the karte): its ticket (channel `mypage`, in the
   * mailbox of the MYPAGE settings) and the first post as a reply on it, in one transaction.
   */
  async create(dto: CreateThreadDto, p: Principal): Promise<{ id: number; code: string }> {
    const customer = await this.customers.nameAndCode(dto.customerId);
    if (!customer) throw new NotFound('customer', dto.customerId);
    const mailboxId = await this.settings.threadMailbox();
    if (mailboxId === null) throw new MypageNoMailbox();
    if (!p.can(mailboxId, 'view'))
      throw new MissingRight('view', 'mailbox', 'to work MYPAGE threads (the MYPAGE mailbox)');
    const content = await this.staffContent(dto.post, p);
    const thread = await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const code = formatThreadCode(await this.sequences.next(m, THREAD_CODE_SEQUENCE, 1));
      const thread = await m.save(
        m.create(MypageThread, {
          code,
          customerId: customer.id,
          title: dto.title.trim().slice(0, 100),
          label: dto.label?.trim() || null,
          memo: dto.memo?.trim() || null,
          mailboxId,
          ticketId: null,
          createdByUserId: p.userId,
          createdByCustomer: false,
          lastPostAt: now,
          staffUnread: false,
          customerUnread: false,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const name = `${customer.lastName} ${customer.firstName ?? ''}`.trim();
      const ticket = await this.tickets.openForChannel(m, {
        mailboxId,
        channel: 'mypage',
        subject: thread.title,
        customerId: customer.id,
        contactName: name,
        threadKey: threadKey(thread.id),
      });
      thread.ticketId = ticket.id;
      await m.update(MypageThread, { id: thread.id }, { ticketId: ticket.id });
      await this.staffPostIn(m, thread, content, p);
      await this.audit.record(
        p.actor,
        {
          entity: 'mypage_thread',
          entityId: thread.id,
          action: 'create',
          after: {
            code,
            customerId: customer.id,
            title: thread.title,
            label: thread.label,
            ticketId: ticket.id,
          },
        },
        m,
      );
      return thread;
    });
    this.changed(thread);
    return { id: thread.id, code: thread.code };
  }

  /** The labels in use on the threads the caller may see, for the list's ラベル choice. */
  async labels(p: Principal): Promise<{ labels: string[] }> {
    const qb = this.dataSource
      .getRepository(MypageThread)
      .createQueryBuilder('t')
      .select('DISTINCT t.label', 'label')
      .where('t.label IS NOT NULL');
    const visible = p.visibleMailboxIds();
    if (visible && !visible.length) return { labels: [] };
    if (visible) qb.andWhere('t.mailbox_id IN (:...visible)', { visible });
    const rows = await qb.orderBy('t.label', 'ASC').limit(500).getRawMany<{ label: string }>();
    return { labels: rows.map((r) => r.label) };
  }

  /** Title, label and memo (staff only); audited. The ticket keeps its subject. */
  async update(id: number, dto: UpdateThreadDto, p: Principal): Promise<StaffThreadView> {
    const t = await this.visibleThread(id, p);
    const patch: Partial<MypageThread> = {};
    if (dto.title !== undefined) patch.title = dto.title.trim().slice(0, 100);
    if (dto.label !== undefined) patch.label = dto.label?.trim() || null;
    if (dto.memo !== undefined) patch.memo = dto.memo?.trim() || null;
    if (patch.title === '')
      throw new ValidationFailed({ title: [fieldError('REQUIRED', 'title is required')] });
    await this.dataSource.transaction(async (m) => {
      await m.update(MypageThread, { id }, { ...patch, updatedAt: this.clock.now() });
      await this.audit.record(
        p.actor,
        {
          entity: 'mypage_thread',
          entityId: id,
          action: 'update',
          before: { title: t.title, label: t.label, memo: t.memo },
          after: patch,
        },
        m,
      );
    });
    this.changed(t);
    return this.staffView(await this.visibleThread(id, p));
  }

  /** A staff post: a reply on the thread's ticket; it shows on the portal once the reply went out. */
  async postAsStaff(id: number, dto: StaffPostDto, p: Principal): Promise<StaffPostView> {
    const t = await this.visibleThread(id, p);
    const content = await this.staffContent(dto, p);
    const postId = await this.dataSource.transaction(async (m) => {
      const thread = await this.visibleThread(id, p, m);
      const post = await this.staffPostIn(m, thread, content, p);
      await m.update(MypageThread, { id: thread.id }, { updatedAt: this.clock.now() });
      return post.id;
    });
    this.changed(t);
    const view = await this.staffView(await this.visibleThread(id, p));
    return view.posts.find((x) => x.id === postId)!;
  }

  /** Exactly one of a text or an upload of the caller's; an upload is an image when its bytes are JPEG, PNG or GIF. */
  private async staffContent(
    dto: StaffPostDto,
    p: Principal,
  ): Promise<{
    kind: PostKind;
    text: string | null;
    upload: { id: string; filename: string; contentType: string; size: number; blobKey: string } | null;
  }> {
    const text = typeof dto.text === 'string' && dto.text.trim() !== '' ? dto.text : null;
    const hasUpload = typeof dto.uploadId === 'string' && dto.uploadId !== '';
    if ((text === null) === !hasUpload) throw new PostNeedsOneContent();
    if (text !== null) {
      if (text.length > MAX_POST_TEXT) throw new PostTextTooLong();
      return { kind: 'text', text, upload: null };
    }
    const upload = await this.uploads.own(dto.uploadId!, p.userId);
    if (!upload) throw new PostUploadNotFound();
    if (upload.size > MAX_POST_BYTES) throw new PostFileTooLarge();
    // Uploads are typed by their bytes (libs/tickets' upload check): the kept type is what they are.
    const image = IMAGE_TYPES.has(upload.contentType);
    if (!image && /\.(jpe?g|png|gif)$/i.test(upload.filename)) throw new PostNotAnImage();
    return { kind: image ? 'image' : 'file', text: null, upload };
  }

  private async staffPostIn(
    m: EntityManager,
    thread: MypageThread,
    content: Awaited<ReturnType<ThreadsService['staffContent']>>,
    p: Principal,
  ): Promise<MypagePost> {
    const now = this.clock.now();
    const post = await m.save(
      m.create(MypagePost, {
        threadId: thread.id,
        author: 'staff',
        staffUserId: p.userId,
        kind: content.kind,
        text: content.text,
        filename: content.upload?.filename ?? null,
        contentType: content.upload?.contentType ?? null,
        size: content.upload?.size ?? null,
        blobKey: content.upload?.blobKey ?? null,
        state: 'pending',
        replyId: null,
        articleId: null,
        visibleAt: null,
        createdAt: now,
      }),
    );
    const reply: ReplyDto = {
      to: [`mypage:${thread.code.toLowerCase()}`],
      subject: thread.title,
      text: content.text ?? '',
      attachments: content.upload ? [content.upload.id] : [],
      afterSend: 'handled',
    };
    const { replyId } = await this.replies.submitOnTicket(m, thread.ticketId!, reply, p);
    await m.update(MypagePost, { id: post.id }, { replyId });
    post.replyId = replyId;
    await this.audit.record(
      p.actor,
      {
        entity: 'mypage_post',
        entityId: post.id,
        action: 'create',
        after: { threadId: thread.id, kind: content.kind, replyId },
      },
      m,
    );
    return post;
  }

  /**
   * Bulk delete: the threads, their posts and the posts' file records, audited. The ticket stays
   * (it is the mailbox's record); file bytes are content-addressed and shared with the ticket's
   * attachments, so MYPAGE lets go of them rather than deleting what the ticket still shows.
   */
  async delete(ids: number[], p: Principal): Promise<{ deleted: number }> {
    const unique = [...new Set(ids)];
    const rows = await this.dataSource.getRepository(MypageThread).findBy({ id: In(unique) });
    const visible = rows.filter((t) => p.can(t.mailboxId, 'view'));
    if (visible.length !== unique.length) {
      const missing = unique.find((id) => !visible.some((t) => t.id === id))!;
      throw new NotFound('mypage thread', missing);
    }
    await this.dataSource.transaction(async (m) => {
      for (const t of visible) {
        const posts = await m.count(MypagePost, { where: { threadId: t.id } });
        await m.delete(MypagePost, { threadId: t.id });
        await m.delete(MypageThread, { id: t.id });
        await this.audit.record(
          p.actor,
          {
            entity: 'mypage_thread',
            entityId: t.id,
            action: 'delete',
            before: {
              code: t.code,
              customerId: t.customerId,
              title: t.title,
              label: t.label,
              ticketId: t.ticketId,
              posts,
            },
          },
          m,
        );
      }
    });
    for (const t of visible) this.changed(t);
    return { deleted: visible.length };
  }

  async staffFile(threadId: number, postId: number, p: Principal): Promise<PostDownload> {
    const t = await this.visibleThread(threadId, p);
    return this.download(t, postId, false);
  }

  // ---- portal ------------------------------------------------------------------------------

  private async ownThread(
    id: number,
    c: PortalCustomer,
    m: EntityManager = this.dataSource.manager,
  ): Promise<MypageThread> {
    const t = await m.findOneBy(MypageThread, { id, customerId: c.customerId });
    if (!t) throw new NotFound('mypage thread', id);
    return t;
  }

  async portalList(
    c: PortalCustomer,
  ): Promise<{ items: PortalThreadListItem[]; total: number; customersMayStartThreads: boolean }> {
    const rows = await this.dataSource
      .getRepository(MypageThread)
      .find({ where: { customerId: c.customerId }, order: { lastPostAt: 'DESC', id: 'DESC' }, take: 500 });
    return {
      items: rows.map((t) => this.portalItem(t)),
      total: rows.length,
      customersMayStartThreads: (await this.settings.view()).customersMayStartThreads,
    };
  }

  private portalItem(t: MypageThread): PortalThreadListItem {
    // Nothing staff-only: no label, memo, ticket or mailbox.
    return {
      id: t.id,
      code: t.code,
      title: t.title,
      lastPostAt: t.lastPostAt,
      createdAt: t.createdAt,
      hasNewStaffPosts: t.customerUnread,
    };
  }

  /** The customer's own thread with its visible posts (a staff post only once it went out); opening it clears the portal's NEW. */
  async portalGet(id: number, c: PortalCustomer): Promise<PortalThreadView> {
    const t = await this.ownThread(id, c);
    const item = this.portalItem(t);
    if (t.customerUnread)
      await this.dataSource
        .getRepository(MypageThread)
        .update({ id, customerUnread: true }, { customerUnread: false });
    const posts = await this.posts(t.id, true);
    const names = await this.users.names([
      ...new Set(posts.map((x) => x.staffUserId).filter((x): x is number => x !== null)),
    ]);
    const me = (await this.customers.namesAndCodes([c.customerId])).get(c.customerId);
    return {
      ...item,
      posts: posts.map((x) => ({
        id: x.id,
        author: x.author,
        authorName:
          x.author === 'customer'
            ? (me?.name ?? '')
            : x.staffUserId
              ? (names.get(x.staffUserId) ?? this.config.company.name)
              : this.config.company.name,
        kind: x.kind,
        text: x.text,
        file: this.fileView(x, `/api/portal/threads/${t.id}/posts/${x.id}/file`),
        createdAt: x.visibleAt ?? x.createdAt,
      })),
    };
  }

  async portalFile(threadId: number, postId: number, c: PortalCustomer): Promise<PostDownload> {
    const t = await this.ownThread(threadId, c);
    return this.download(t, postId, true);
  }

  private async download(t: MypageThread, postId: number, onlyVisible: boolean): Promise<PostDownload> {
    const post = await this.dataSource.getRepository(MypagePost).findOneBy({ id: postId, threadId: t.id });
    if (!post || !post.blobKey || post.kind === 'text' || (onlyVisible && post.state !== 'visible'))
      throw new NotFound('mypage post', postId);
    return {
      stream: await this.blobs.get(post.blobKey),
      filename: post.filename ?? 'file',
      contentType: post.contentType ?? 'application/octet-stream',
      size: post.size ?? 0,
      inline: post.kind === 'image' && IMAGE_TYPES.has(post.contentType ?? ''),
    };
  }

  /** A customer starts a thread (when the settings allow): its ticket is born from the first post through receive. */
  async portalCreate(
    c: PortalCustomer,
    title: string,
    content: PortalPostContent,
  ): Promise<{ id: number; code: string }> {
    if (!(await this.settings.view()).customersMayStartThreads) throw new CustomersMayNotStartThreads();
    const mailboxId = await this.settings.threadMailbox();
    if (mailboxId === null) throw new MypageNoMailbox();
    const stored = await this.storeContent(content);
    const thread = await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const code = formatThreadCode(await this.sequences.next(m, THREAD_CODE_SEQUENCE, 1));
      const thread = await m.save(
        m.create(MypageThread, {
          code,
          customerId: c.customerId,
          title: title.trim().slice(0, 100),
          label: null,
          memo: null,
          mailboxId,
          ticketId: null,
          createdByUserId: null,
          createdByCustomer: true,
          lastPostAt: now,
          staffUnread: true,
          customerUnread: false,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.customerPostIn(m, thread, stored, c);
      await this.audit.record(
        customerActor(c.customerId, c.email),
        {
          entity: 'mypage_thread',
          entityId: thread.id,
          action: 'create',
          after: { code, title: thread.title },
        },
        m,
      );
      return thread;
    });
    this.changed(thread);
    return { id: thread.id, code: thread.code };
  }

  /** A customer's post: visible at once, an inbound article on the thread's ticket, NEW for staff, their 担当 told. */
  async portalPost(id: number, c: PortalCustomer, content: PortalPostContent): Promise<PortalPostView> {
    await this.ownThread(id, c);
    const stored = await this.storeContent(content);
    const { thread, post } = await this.dataSource.transaction(async (m) => {
      const thread = await this.ownThread(id, c, m);
      const post = await this.customerPostIn(m, thread, stored, c);
      return { thread, post };
    });
    this.changed(thread);
    const me = (await this.customers.namesAndCodes([c.customerId])).get(c.customerId);
    return {
      id: post.id,
      author: 'customer',
      authorName: me?.name ?? '',
      kind: post.kind,
      text: post.text,
      file: this.fileView(post, `/api/portal/threads/${thread.id}/posts/${post.id}/file`),
      createdAt: post.createdAt,
    };
  }

  /** The bytes are stored before the transaction (content-addressed: a rollback leaves a blob nothing names, as intake does). */
  private async storeContent(content: PortalPostContent): Promise<{
    kind: PostKind;
    text: string | null;
    file: { filename: string; contentType: string; size: number; blobKey: string } | null;
  }> {
    if ('text' in content) {
      if (!content.text.trim()) throw new PostNeedsOneContent();
      if (content.text.length > MAX_POST_TEXT) throw new PostTextTooLong();
      return { kind: 'text', text: content.text, file: null };
    }
    const blob = await this.blobs.put(content.file.bytes);
    return {
      kind: content.file.kind,
      text: null,
      file: {
        filename: content.file.filename,
        contentType: content.file.contentType,
        size: content.file.bytes.length,
        blobKey: blob.key,
      },
    };
  }

  private async customerPostIn(
    m: EntityManager,
    thread: MypageThread,
    content: Awaited<ReturnType<ThreadsService['storeContent']>>,
    c: PortalCustomer,
  ): Promise<MypagePost> {
    const now = this.clock.now();
    const post = await m.save(
      m.create(MypagePost, {
        threadId: thread.id,
        author: 'customer',
        staffUserId: null,
        kind: content.kind,
        text: content.text,
        filename: content.file?.filename ?? null,
        contentType: content.file?.contentType ?? null,
        size: content.file?.size ?? null,
        blobKey: content.file?.blobKey ?? null,
        state: 'visible',
        replyId: null,
        articleId: null,
        visibleAt: now,
        createdAt: now,
      }),
    );
    const customer = (await this.customers.namesAndCodes([c.customerId], m)).get(c.customerId) ?? {
      code: '',
      name: '',
    };
    const key = threadKey(thread.id);
    const inbound: InboundMessage = {
      channel: 'mypage',
      mailboxId: thread.mailboxId,
      dedupeKey: `post:${post.id}`,
      thread: { key, answers: [key], byCode: false },
      from: { address: c.email, name: customer.name || null },
      to: [],
      cc: [],
      subject: thread.title,
      text: content.text ?? postSummary(post),
      html: null,
      attachments: content.file ? [{ ...content.file, contentId: null, inline: false }] : [],
      classification: 'normal',
      receivedAt: now,
      rawMessageId: null,
      customerId: c.customerId,
    };
    const [delivered] = await this.tickets.receive(m, [inbound]);
    await m.update(MypagePost, { id: post.id }, { articleId: delivered.articleId });
    post.articleId = delivered.articleId;
    await m.update(
      MypageThread,
      { id: thread.id },
      { ticketId: delivered.ticketId, lastPostAt: now, staffUnread: true, updatedAt: now },
    );
    thread.ticketId = delivered.ticketId;
    await this.history.recordAuto(m, 'mypage_customer_post', {
      customerId: c.customerId,
      eventKey: `post:${post.id}`,
      ticketId: delivered.ticketId,
      articleId: delivered.articleId,
      values: { subject: thread.title, code: thread.code },
      details: [{ workedAt: now, staffId: null, content: postSummary(post, 2000) }],
    });
    // Told: the customer's 担当, or with none the settings' fallback recipients. The bell, and a mail with the console's link.
    const assignees = (await this.customers.get(c.customerId)).assigneeIds;
    const recipients = assignees.length ? assignees : (await this.settings.view(m)).fallbackRecipients;
    if (recipients.length) {
      await this.notifications.notify(
        m,
        recipients,
        {
          kind: 'mypage_post',
          ticketId: delivered.ticketId,
          replyId: null,
          text: `MYPAGE: ${customer.name} 様から投稿がありました — ${thread.code} ${thread.title}`.slice(
            0,
            1000,
          ),
        },
        null,
      );
      await this.mail.toStaff(m, thread, post, customer, recipients, now);
    }
    return post;
  }

  // ---- the channel (MypageChannelAdapter) ------------------------------------------------------

  /**
   * A staff post's reply went out through the outbox: the post becomes visible on the portal
   * with the approved text, the thread is NEW for the customer, the customer is mailed and the
   * history entry written — once: the conditional update decides, so a second send (a retry
   * after a crash) changes nothing. Answers whether the post is (now or already) visible.
   */
  async publish(row: OutboxEntry): Promise<boolean> {
    if (!row.articleId) return false;
    const replyId = await this.replies.replyIdOfArticle(row.articleId);
    if (replyId === null) return false;
    let payload: { text?: string } = {};
    try {
      payload = JSON.parse(row.payload) as { text?: string };
    } catch {
      payload = {};
    }
    const result = await this.dataSource.transaction(async (m) => {
      const post = await m.findOneBy(MypagePost, { replyId });
      if (!post) return { thread: null, visible: false };
      const thread = await m.findOneBy(MypageThread, { id: post.threadId });
      if (!thread) return { thread: null, visible: false };
      const now = this.clock.now();
      // The approved version: a rejected reply may have been edited before it was approved.
      const text =
        post.kind === 'text' && typeof payload.text === 'string'
          ? payload.text.slice(0, MAX_POST_TEXT)
          : post.text;
      const res = await m.update(
        MypagePost,
        { id: post.id, state: 'pending' },
        { state: 'visible', visibleAt: now, text, articleId: row.articleId },
      );
      if (!res.affected) return { thread, visible: true };
      post.text = text;
      await m.update(
        MypageThread,
        { id: thread.id },
        { lastPostAt: now, customerUnread: true, updatedAt: now },
      );
      await this.history.recordAuto(m, 'mypage_staff_post', {
        customerId: thread.customerId,
        eventKey: `post:${post.id}`,
        ticketId: thread.ticketId,
        articleId: row.articleId,
        staffId: post.staffUserId,
        authorId: post.staffUserId,
        values: { subject: thread.title, code: thread.code },
        details: [{ workedAt: now, staffId: post.staffUserId, content: postSummary(post, 2000) }],
      });
      const to = await this.customerAddress(m, thread.customerId);
      if (to) await this.mail.toCustomer(m, thread, post, to, now);
      else
        this.logger.warn(
          `thread ${thread.code}: a staff post reached the portal, but the customer has no address to tell`,
        );
      return { thread, visible: true };
    });
    if (result.thread) this.changed(result.thread);
    return result.visible;
  }

  /** Whether the post behind an outbox row is on the portal already (the adapter's `confirm`). */
  async published(row: OutboxEntry): Promise<boolean> {
    if (!row.articleId) return false;
    const replyId = await this.replies.replyIdOfArticle(row.articleId);
    if (replyId === null) return false;
    return (await this.dataSource.getRepository(MypagePost).findOneBy({ replyId }))?.state === 'visible';
  }

  /** Where the customer is told: the address they sign in to MYPAGE with, else the karte's. */
  private async customerAddress(
    m: EntityManager,
    customerId: number,
  ): Promise<{ email: string; name: string | null } | null> {
    const account = await m.findOneBy(PortalAccount, { customerId });
    const customer = await this.customers.get(customerId).catch(() => null);
    const email = (account && account.state !== 'disabled' ? account.email : null) ?? customer?.email ?? null;
    if (!email) return null;
    const name = customer ? `${customer.lastName} ${customer.firstName ?? ''}`.trim() : null;
    return { email, name: name || null };
  }

  /** After commit: the portal's stream and the consoles (through the ticket's events) reload the thread. */
  private changed(t: Pick<MypageThread, 'id' | 'customerId' | 'ticketId' | 'mailboxId'>): void {
    this.events.changed(t.id, t.customerId);
    if (t.ticketId) this.ticketEvents.changed(t.ticketId, t.mailboxId);
  }
}
