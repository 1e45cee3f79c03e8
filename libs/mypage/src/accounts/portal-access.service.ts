import { Principal } from '@madoguchi/auth';
import { CustomersService } from '@madoguchi/customers';
import { AuditService, Clock } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, Not } from 'typeorm';
import { PortalAccount } from './portal-account.entity';
import { TOKEN_TTL_MS, PortalAuthService } from './portal-auth.service';
import {
  CustomerHasNoEmail,
  MypageCannotSend,
  PortalAccessDisabled,
  PortalAccountActive,
  PortalEmailTaken,
} from './portal-errors';
import { PortalMail } from './portal-mail';
import { PortalSession } from './portal-session.entity';
import { PortalToken } from './portal-token.entity';

/** `none`: never invited nor signed up; `invited`: a link was sent, no password yet; `active`; `disabled`. */
export type PortalAccessState = 'none' | 'invited' | 'active' | 'disabled';

export interface PortalAccessView {
  customerId: number;
  state: PortalAccessState;
  email: string | null;
  invitedAt: Date | null;
  /** When the latest unused invitation link stops working (null: none open). */
  invitationExpiresAt: Date | null;
  verifiedAt: Date | null;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
  /** When the customer asked to leave MYPAGE (退会) from the portal; null: never. */
  withdrawalRequestedAt: Date | null;
}

/** The staff side of portal accounts, from the karte: invite, see the state, disable and enable. */
@Injectable()
export class PortalAccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly customers: CustomersService,
    private readonly auth: PortalAuthService,
    private readonly mail: PortalMail,
  ) {}

  async view(customerId: number): Promise<PortalAccessView> {
    await this.customers.get(customerId);
    const account = await this.dataSource.getRepository(PortalAccount).findOneBy({ customerId });
    if (!account)
      return {
        customerId,
        state: 'none',
        email: null,
        invitedAt: null,
        invitationExpiresAt: null,
        verifiedAt: null,
        lastLoginAt: null,
        disabledAt: null,
        withdrawalRequestedAt: null,
      };
    const open = await this.dataSource.getRepository(PortalToken).findOne({
      where: {
        accountId: account.id,
        kind: 'invitation',
        usedAt: IsNull(),
        expiresAt: MoreThan(this.clock.now()),
      },
      order: { expiresAt: 'DESC' },
    });
    const state: PortalAccessState = account.state === 'pending' ? 'invited' : account.state;
    return {
      customerId,
      state,
      email: account.email,
      invitedAt: account.invitedAt,
      invitationExpiresAt: state === 'invited' ? (open?.expiresAt ?? null) : null,
      verifiedAt: account.verifiedAt,
      lastLoginAt: account.lastLoginAt,
      disabledAt: account.disabledAt,
      withdrawalRequestedAt: account.withdrawalRequestedAt ?? null,
    };
  }

  /**
   * Mails the customer (at the address on the karte) a one-time link to set a password, valid
   * 72 h; a second invitation replaces the first link. Refused for a customer without an
   * address, one who already signs in (409; they reset their password themselves), one whose
   * access is disabled (409), and an address another customer signs in with (409).
   */
  async invite(customerId: number, p: Principal): Promise<PortalAccessView> {
    const customer = await this.customers.get(customerId);
    const email = customer.email?.trim().toLowerCase();
    if (!email) throw new CustomerHasNoEmail();
    await this.dataSource.transaction(async (m) => {
      const sender = await this.mail.sender(m);
      if (!sender) throw new MypageCannotSend();
      const now = this.clock.now();
      const accounts = m.getRepository(PortalAccount);
      let account = await accounts.findOneBy({ customerId });
      if (account?.state === 'active') throw new PortalAccountActive();
      if (account?.state === 'disabled') throw new PortalAccessDisabled();
      if (await accounts.existsBy({ email, customerId: Not(customerId) })) throw new PortalEmailTaken();
      if (account) {
        await accounts.update({ id: account.id }, { email, invitedAt: now, updatedAt: now });
      } else {
        account = await accounts.save(
          accounts.create({
            customerId,
            email,
            passwordHash: null,
            state: 'pending',
            invitedAt: now,
            verifiedAt: null,
            lastLoginAt: null,
            disabledAt: null,
            createdAt: now,
            updatedAt: now,
          }),
        );
      }
      const token = await this.auth.issueToken(
        m,
        { kind: 'invitation', accountId: account.id, email, signupName: null, createdBy: p.userId },
        now,
      );
      const name = [customer.lastName, customer.firstName].filter(Boolean).join(' ') || null;
      await this.mail.queue(m, sender, 'invitation', { email, name }, token, now);
      await this.audit.record(
        p.actor,
        {
          entity: 'portal_account',
          entityId: account.id,
          action: 'invite',
          after: { customerId, email, expiresAt: new Date(now.getTime() + TOKEN_TTL_MS.invitation) },
        },
        m,
      );
    });
    return this.view(customerId);
  }

  /**
   * Disabling ends every session of the customer at once and voids their open links; enabling
   * gives back what they had (active with a password, else invited). A customer with no account
   * can be disabled too (a disabled account is made), so a sign-up cannot open one behind staff's back.
   */
  async setEnabled(customerId: number, enabled: boolean, p: Principal): Promise<PortalAccessView> {
    const customer = await this.customers.get(customerId);
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const accounts = m.getRepository(PortalAccount);
      const account = await accounts
        .createQueryBuilder('a')
        .addSelect('a.passwordHash')
        .where('a.customer_id = :customerId', { customerId })
        .getOne();
      if (!account) {
        if (enabled) return;
        const email = customer.email?.trim().toLowerCase();
        if (!email) return;
        if (await accounts.existsBy({ email })) return;
        const made = await accounts.save(
          accounts.create({
            customerId,
            email,
            passwordHash: null,
            state: 'disabled',
            invitedAt: null,
            verifiedAt: null,
            lastLoginAt: null,
            disabledAt: now,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await this.audit.record(
          p.actor,
          {
            entity: 'portal_account',
            entityId: made.id,
            action: 'disable',
            after: { customerId, state: 'disabled' },
          },
          m,
        );
        return;
      }
      const before = account.state;
      if (!enabled && before !== 'disabled') {
        await accounts.update({ id: account.id }, { state: 'disabled', disabledAt: now, updatedAt: now });
        await m.getRepository(PortalSession).delete({ accountId: account.id });
        await m
          .getRepository(PortalToken)
          .update({ accountId: account.id, usedAt: IsNull() }, { usedAt: now });
      } else if (enabled && before === 'disabled' && !account.passwordHash && !account.invitedAt) {
        // Disabled before it was ever used: enabling is as if nothing had happened.
        await accounts.delete({ id: account.id });
      } else if (enabled && before === 'disabled') {
        await accounts.update(
          { id: account.id },
          { state: account.passwordHash ? 'active' : 'pending', disabledAt: null, updatedAt: now },
        );
      } else {
        return;
      }
      await this.audit.record(
        p.actor,
        {
          entity: 'portal_account',
          entityId: account.id,
          action: enabled ? 'enable' : 'disable',
          before: { state: before },
          after: { state: enabled ? (account.passwordHash ? 'active' : 'pending') : 'disabled' },
        },
        m,
      );
    });
    return this.view(customerId);
  }
}
