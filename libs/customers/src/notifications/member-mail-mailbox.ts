import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Which mailbox the 通知メール go out from. The customers lib owns no mailbox, so the lib that
 * knows them (MYPAGE: its chosen sending mailbox, else the oldest active one that can send)
 * registers the choice at start-up, as merge participants do.
 */
@Injectable()
export class MemberMailMailbox {
  private resolver: ((m: EntityManager) => Promise<number | null>) | null = null;

  use(resolver: (m: EntityManager) => Promise<number | null>): void {
    this.resolver = resolver;
  }

  /** The sending mailbox's id, or null when none can send (or nobody registered one). */
  async mailboxId(m: EntityManager): Promise<number | null> {
    return this.resolver ? this.resolver(m) : null;
  }
}
