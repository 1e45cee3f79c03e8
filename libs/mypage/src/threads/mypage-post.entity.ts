import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const POST_KINDS = ['text', 'image', 'file'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/**
 * `visible`: on the portal (a customer's post at once; a staff post once its reply went out);
 * `pending`: a staff post whose reply waits for approval or the outbox.
 */
export type PostState = 'pending' | 'visible';

/**
 * One post of a thread: exactly one of a text, an image or a file. It is also an article on the
 * thread's ticket (a customer's through TicketsService.receive, a staff member's as a reply).
 */
@Entity('mypage_post')
export class MypagePost {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  threadId: number;

  @Column({ type: 'varchar', length: 10 })
  author: 'customer' | 'staff';

  @Column({ type: 'integer', nullable: true })
  staffUserId: number | null;

  @Column({ type: 'varchar', length: 10 })
  kind: PostKind;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contentType: string | null;

  @Column({
    type: 'bigint',
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | number | null) => (v === null ? null : Number(v)),
    },
  })
  size: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  blobKey: string | null;

  @Column({ type: 'varchar', length: 10 })
  state: PostState;

  @Column({ type: 'integer', nullable: true, unique: true })
  replyId: number | null;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  visibleAt: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
