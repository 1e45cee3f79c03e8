import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One counted link of an SMS (click counting): the sent text carries `{PUBLIC_URL}/s/<code>` instead of `url`. */
@Entity('sms_link')
export class SmsLink {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  messageId: number;

  /** 1 or 2: its place among the body's URLs. */
  @Column({ type: 'integer' })
  position: number;

  /** Where it redirects to: the URL as written in the body. */
  @Column({ type: 'text' })
  url: string;

  /** Random base62 (short-links.ts): unguessable, nothing about the customer or the message. */
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'integer', default: 0 })
  clicks: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  firstClickAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastClickAt: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}

/** One click: its time only (no address, no browser: nothing personal is kept). */
@Entity('sms_link_click')
export class SmsLinkClick {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  linkId: number;

  @Column({ type: 'datetime', precision: 3 })
  clickedAt: Date;
}
