import { dummyHash, hashPassword, verifyPassword, assertAcceptablePassword } from '@madoguchi/auth';
import { CustomersService, MemberNotificationsService } from '@madoguchi/customers';
import {
  Actor,
  APP_CONFIG,
  AppConfig,
  AuditService,
  Clock,
  TooManyAttempts,
  Unauthenticated,
} from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, LessThan, MoreThan, Not } from 'typeorm';
import { PortalAccount } from './portal-account.entity';
import { PortalMailLimit, PortalTokenInvalid } from './portal-errors';
import { PortalPasswordWrong } from '../threads/thread-errors';
import { PortalAttemptKind, PortalLoginAttempt } from './portal-login-attempt.entity';
import { PortalMail } from './portal-mail';
import { clientKey, newPortalSecret, normalizeEmail, PortalClient, sha256Hex } from './portal-secrets';
import { PortalSession } from './portal-session.entity';
import { PortalToken, PortalTokenKind } from './portal-token.entity';

/** Who is signed in on a portal request: what `@CurrentCustomer()` hands to portal routes. */
export interface PortalCustomer {
  accountId: number;
  customerId: number;
  email: string;
  sessionId: number;
}

/** What the portal shows of the signed-in customer: never staff-only fields (comment, list flag, assignees). */
export interface PortalMe {
  customer: { id: number; code: string; name: string };
  email: string;
}

export interface NewPortalSession {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  me: PortalMe;
}

/** How long each kind of mailed link works. */
export const TOKEN_TTL_MS: Record<PortalTokenKind, number> = {
  invitation: 72 * 3600_000,
  signup: 24 * 3600_000,
  reset: 3600_000,
};

/** Sign-up / reset mails per address and per client address in MAIL_WINDOW_MS. */
export const MAIL_PER_EMAIL = 5;
export const MAIL_PER_IP = 20;
export const MAIL_WINDOW_MS = 3600_000;
/** Failures from one address across all accounts before it is slowed down too (as for staff). */
const IP_FAILURE_FACTOR = 4;
const FIRST_DELAY_MS = 30_000;

/** The actor of an audit entry written by a customer. */
export function customerActor(customerId: number | null, email: string): Actor {
  return { userId: null, label: `customer:${customerId ?? '-'} ${email}`.slice(0, 200) };
}

/**
 * The customer realm's sign-in (product spec §1): email + password, its own sessions, its own
 * failed-login limit, its own one-time links. Shares with libs/auth only the password hasher and
 * the password rule, never a table.
 */
@Injectable()
export class PortalAuthService {
  private readonly logger = new Logger('PortalAuth');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly customers: CustomersService,
    private readonly mail: PortalMail,
    private readonly memberNotifications: MemberNotificationsService,
  ) {}

  async login(emailIn: string, password: string, client: PortalClient): Promise<NewPortalSession> {
    const email = normalizeEmail(emailIn);
    const ip = clientKey(client.ip);
    await this.assertLoginNotLimited(email, ip);
    const account = await this.dataSource
      .getRepository(PortalAccount)
      .createQueryBuilder('a')
      .addSelect('a.passwordHash')
      .where('a.email = :email', { email })
      .getOne();
    // The same work whether or not the address has an account, so timing tells nothing.
    const hash = account?.passwordHash ?? (await dummyHash());
    const ok = await verifyPassword(password, hash);
    // A withdrawn customer (退会済み) is kept with their history but cannot sign in: the same 401 as a wrong password.
    const success =
      ok &&
      !!account?.passwordHash &&
      account.state === 'active' &&
      !(await this.customers.isWithdrawn(account.customerId));
    const now = this.clock.now();
    await this.dataSource
      .getRepository(PortalLoginAttempt)
      .insert({ kind: 'login', email: email.slice(0, 254), ip, at: now, success });
    if (!success || !account) throw new Unauthenticated('Wrong email or password');
    const sessionToken = newPortalSecret();
    const csrfToken = newPortalSecret();
    const expiresAt = new Date(now.getTime() + this.config.auth.sessionTtlHours * 3600_000);
    const session = await this.dataSource.transaction(async (m) => {
      const s = await m.getRepository(PortalSession).save({
        tokenHash: sha256Hex(sessionToken),
        accountId: account.id,
        csrfToken,
        ip,
        userAgent: client.userAgent?.slice(0, 255) ?? null,
        createdAt: now,
        expiresAt,
        lastSeenAt: now,
      });
      await m.getRepository(PortalAccount).update({ id: account.id }, { lastLoginAt: now });
      await this.audit.record(
        customerActor(account.customerId, account.email),
        { entity: 'portal_session', entityId: s.id, action: 'login', after: { ip } },
        m,
      );
      return s;
    });
    // Old sessions and attempts are swept here rather than by a job: sign-ins are rare enough.
    await this.dataSource.getRepository(PortalSession).delete({ expiresAt: LessThan(now) });
    await this.dataSource.getRepository(PortalLoginAttempt).delete({
      at: LessThan(
        new Date(now.getTime() - Math.max(MAIL_WINDOW_MS, this.config.auth.loginWindowMinutes * 60_000) * 2),
      ),
    });
    return {
      sessionToken,
      csrfToken,
      expiresAt,
      me: await this.me({
        accountId: account.id,
        customerId: account.customerId,
        email: account.email,
        sessionId: session.id,
      }),
    };
  }

  async logout(c: PortalCustomer): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(PortalSession).delete({ id: c.sessionId });
      await this.audit.record(
        customerActor(c.customerId, c.email),
        { entity: 'portal_session', entityId: c.sessionId, action: 'logout' },
        m,
      );
    });
  }

  /** The customer behind a portal cookie and its CSRF token, or null when unknown, expired or the access is not active. */
  async fromSession(token: string): Promise<{ customer: PortalCustomer; csrfToken: string } | null> {
    const now = this.clock.now();
    const session = await this.dataSource
      .getRepository(PortalSession)
      .findOneBy({ tokenHash: sha256Hex(token), expiresAt: MoreThan(now) });
    if (!session) return null;
    const account = await this.dataSource.getRepository(PortalAccount).findOneBy({ id: session.accountId });
    if (!account || account.state !== 'active') return null;
    // Withdrawn meanwhile: open sessions end at once.
    if (await this.customers.isWithdrawn(account.customerId)) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      await this.dataSource.getRepository(PortalSession).update({ id: session.id }, { lastSeenAt: now });
    }
    return {
      customer: {
        accountId: account.id,
        customerId: account.customerId,
        email: account.email,
        sessionId: session.id,
      },
      csrfToken: session.csrfToken,
    };
  }

  async me(c: Omit<PortalCustomer, 'sessionId'> & { sessionId?: number }): Promise<PortalMe> {
    const found = await this.customers.nameAndCode(c.customerId);
    const name = found ? [found.lastName, found.firstName].filter(Boolean).join(' ') : '';
    return { customer: { id: c.customerId, code: found?.code ?? '', name }, email: c.email };
  }

  /**
   * Changes the signed-in customer's password: the current one must be right (400
   * PORTAL_PASSWORD_WRONG), the new one pass the password rule. Every other session of the
   * account ends; this one stays signed in.
   */
  async changePassword(c: PortalCustomer, currentPassword: string, newPassword: string): Promise<void> {
    const account = await this.dataSource
      .getRepository(PortalAccount)
      .createQueryBuilder('a')
      .addSelect('a.passwordHash')
      .where('a.id = :id', { id: c.accountId })
      .getOne();
    if (!account?.passwordHash || !(await verifyPassword(currentPassword, account.passwordHash)))
      throw new PortalPasswordWrong();
    assertAcceptablePassword(newPassword, 'newPassword', { email: account.email });
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      await m.getRepository(PortalAccount).update({ id: account.id }, { passwordHash, updatedAt: now });
      await m.getRepository(PortalSession).delete({ accountId: account.id, id: Not(c.sessionId) });
      await m.getRepository(PortalToken).update({ accountId: account.id, usedAt: IsNull() }, { usedAt: now });
      await this.audit.record(
        customerActor(c.customerId, c.email),
        { entity: 'portal_account', entityId: account.id, action: 'password_change' },
        m,
      );
    });
  }

  /** 退会: the customer asks to leave MYPAGE; staff see when on the karte (portal-access) and act on it. Asking again keeps the first time. */
  async requestWithdrawal(c: PortalCustomer, reason: string | null): Promise<{ requestedAt: Date }> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(PortalAccount);
      const account = await repo.findOneByOrFail({ id: c.accountId });
      if (account.withdrawalRequestedAt) return { requestedAt: account.withdrawalRequestedAt };
      const now = this.clock.now();
      await repo.update({ id: account.id }, { withdrawalRequestedAt: now, updatedAt: now });
      await this.audit.record(
        customerActor(c.customerId, c.email),
        {
          entity: 'portal_account',
          entityId: account.id,
          action: 'withdrawal_request',
          after: { reason: reason?.trim().slice(0, 500) || null },
        },
        m,
      );
      return { requestedAt: now };
    });
  }

  /**
   * Sign-up: always the same answer. An address without an account gets a verification link
   * (following it sets the password and links the account to the customer with that address,
   * or to a new 仮登録 one); an address that already signs in gets a reset link instead; a
   * disabled one gets nothing.
   */
  async signup(emailIn: string, name: string | null, client: PortalClient): Promise<void> {
    const email = normalizeEmail(emailIn);
    await this.countMailRequest('signup', email, clientKey(client.ip));
    await this.dataSource.transaction(async (m) => {
      const account = await m.getRepository(PortalAccount).findOneBy({ email });
      if (account?.state === 'disabled') return;
      const sender = await this.mail.sender(m);
      if (!sender) {
        this.logger.warn('A MYPAGE sign-up mail was not sent: no mailbox can send');
        return;
      }
      const now = this.clock.now();
      if (account?.state === 'active') {
        const token = await this.issueToken(
          m,
          { kind: 'reset', accountId: account.id, email, signupName: null, createdBy: null },
          now,
        );
        await this.mail.queue(m, sender, 'already-registered', { email, name: null }, token, now);
        return;
      }
      const token = await this.issueToken(
        m,
        {
          kind: 'signup',
          accountId: account?.id ?? null,
          email,
          signupName: name?.trim() || null,
          createdBy: null,
        },
        now,
      );
      await this.mail.queue(m, sender, 'signup', { email, name: name?.trim() || null }, token, now);
    });
  }

  /** Password reset: always the same answer; a mail only to an account that is not disabled. */
  async requestReset(emailIn: string, client: PortalClient): Promise<void> {
    const email = normalizeEmail(emailIn);
    await this.countMailRequest('reset', email, clientKey(client.ip));
    await this.dataSource.transaction(async (m) => {
      const account = await m.getRepository(PortalAccount).findOneBy({ email });
      if (
        !account ||
        account.state === 'disabled' ||
        (await this.customers.isWithdrawn(account.customerId, m))
      )
        return;
      const sender = await this.mail.sender(m);
      if (!sender) {
        this.logger.warn('A MYPAGE reset mail was not sent: no mailbox can send');
        return;
      }
      const now = this.clock.now();
      const token = await this.issueToken(
        m,
        { kind: 'reset', accountId: account.id, email, signupName: null, createdBy: null },
        now,
      );
      await this.mail.queue(m, sender, 'reset', { email, name: null }, token, now);
    });
  }

  /**
   * Follows a mailed link: the token (looked up by its hash) must be unused and unexpired, the
   * password must pass the staff password rule. One-time even under a race (the token is taken
   * by a conditional update). The account becomes active and verified; its sessions end, and
   * its other open links stop working.
   */
  async setPassword(token: string, password: string): Promise<{ email: string }> {
    const now = this.clock.now();
    const row = await this.dataSource.getRepository(PortalToken).findOneBy({ tokenHash: sha256Hex(token) });
    if (!row || row.usedAt || row.expiresAt <= now) throw new PortalTokenInvalid();
    assertAcceptablePassword(password, 'password', { email: row.email });
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (m) => {
      const taken = await m
        .getRepository(PortalToken)
        .update({ id: row.id, usedAt: IsNull() }, { usedAt: now });
      if (!taken.affected) throw new PortalTokenInvalid();
      const accounts = m.getRepository(PortalAccount);
      let account = row.accountId
        ? await accounts.findOneBy({ id: row.accountId })
        : await accounts.findOneBy({ email: row.email });
      if (row.kind !== 'signup' && !account) throw new PortalTokenInvalid();
      if (account && (account.state === 'disabled' || account.email !== row.email))
        throw new PortalTokenInvalid();
      if (!account) {
        const customerId = await this.customerForSignup(m, row.email, row.signupName);
        account = await accounts.save(
          accounts.create({
            customerId,
            email: row.email,
            passwordHash: null,
            state: 'pending',
            invitedAt: null,
            verifiedAt: null,
            lastLoginAt: null,
            disabledAt: null,
            createdAt: now,
            updatedAt: now,
          }),
        );
      }
      await accounts.update(
        { id: account.id },
        { passwordHash, state: 'active', verifiedAt: account.verifiedAt ?? now, updatedAt: now },
      );
      await m.getRepository(PortalSession).delete({ accountId: account.id });
      await m.getRepository(PortalToken).update({ accountId: account.id, usedAt: IsNull() }, { usedAt: now });
      await m
        .getRepository(PortalToken)
        .update({ email: row.email, kind: 'signup', usedAt: IsNull() }, { usedAt: now });
      await this.audit.record(
        customerActor(account.customerId, account.email),
        { entity: 'portal_account', entityId: account.id, action: `password_${row.kind}` },
        m,
      );
      // A verified MYPAGE sign-up is a registration: its 通知メール (once per customer).
      if (row.kind === 'signup') await this.memberNotifications.registered(m, account.customerId);
      return { email: account.email };
    });
  }

  /**
   * The customer a verified sign-up belongs to: the one customer with that address when it has
   * no portal account yet; otherwise (none, several sharing it, or the one already signing in
   * under another address) a new 仮登録 customer, so no one reaches a record that may be someone else's.
   */
  private async customerForSignup(m: EntityManager, email: string, name: string | null): Promise<number> {
    const id = (await this.customers.idsByEmail([email], m)).get(email);
    if (typeof id === 'number' && !(await m.getRepository(PortalAccount).existsBy({ customerId: id })))
      return id;
    return (await this.customers.createProvisional(m, { email, name }, customerActor(null, email)))
      .customerId;
  }

  /** A new one-time link of this kind; earlier unused links of the same kind for the same account or address stop working. */
  async issueToken(
    m: EntityManager,
    t: {
      kind: PortalTokenKind;
      accountId: number | null;
      email: string;
      signupName: string | null;
      createdBy: number | null;
    },
    now: Date,
  ): Promise<string> {
    const repo = m.getRepository(PortalToken);
    await repo.update(
      t.accountId
        ? { accountId: t.accountId, kind: t.kind, usedAt: IsNull() }
        : { email: t.email, kind: t.kind, usedAt: IsNull() },
      { usedAt: now },
    );
    await repo.delete({ expiresAt: LessThan(new Date(now.getTime() - 7 * 24 * 3600_000)) });
    const token = newPortalSecret();
    await repo.insert({
      tokenHash: sha256Hex(token),
      kind: t.kind,
      accountId: t.accountId,
      email: t.email,
      signupName: t.signupName?.slice(0, 100) ?? null,
      createdBy: t.createdBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[t.kind]),
      usedAt: null,
    });
    return token;
  }

  /** Counts a sign-up or reset request, refusing with 429 past MAIL_PER_EMAIL per address or MAIL_PER_IP per client an hour. */
  private async countMailRequest(kind: PortalAttemptKind, email: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - MAIL_WINDOW_MS);
    const repo = this.dataSource.getRepository(PortalLoginAttempt);
    const check = (rows: PortalLoginAttempt[], limit: number) => {
      if (rows.length < limit) return;
      const oldest = rows[limit - 1].at.getTime();
      throw new PortalMailLimit(Math.max(1, Math.ceil((oldest + MAIL_WINDOW_MS - now.getTime()) / 1000)));
    };
    check(
      await repo.find({
        where: { kind: In(['signup', 'reset']), ip, at: MoreThan(since) },
        order: { at: 'DESC' },
        take: MAIL_PER_IP,
      }),
      MAIL_PER_IP,
    );
    check(
      await repo.find({
        where: { kind, email: email.slice(0, 254), at: MoreThan(since) },
        order: { at: 'DESC' },
        take: MAIL_PER_EMAIL,
      }),
      MAIL_PER_EMAIL,
    );
    await repo.insert({ kind, email: email.slice(0, 254), ip, at: now, success: true });
  }

  /** As the staff limit (LOGIN_MAX_FAILURES in LOGIN_WINDOW_MINUTES per account and address, four times that per address), on the portal's own attempts. */
  private async assertLoginNotLimited(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginWindowMinutes } = this.config.auth;
    const windowMs = loginWindowMinutes * 60_000;
    const now = this.clock.now().getTime();
    const since = new Date(now - windowMs);
    const repo = this.dataSource.getRepository(PortalLoginAttempt);
    const check = (failures: PortalLoginAttempt[], limit: number) => {
      if (failures.length < limit) return;
      const delay = Math.min(windowMs, FIRST_DELAY_MS * 2 ** Math.min(20, failures.length - limit));
      const until = failures[0].at.getTime() + delay;
      if (now < until) throw new TooManyAttempts(Math.max(1, Math.ceil((until - now) / 1000)));
    };
    const lastSuccess = await repo.findOne({
      where: { kind: 'login', email, ip, success: true, at: MoreThan(since) },
      order: { at: 'DESC' },
    });
    check(
      await repo.find({
        where: {
          kind: 'login',
          email,
          ip,
          success: false,
          at: MoreThan(lastSuccess ? lastSuccess.at : since),
        },
        order: { at: 'DESC' },
        take: loginMaxFailures + 21,
      }),
      loginMaxFailures,
    );
    const ipLimit = loginMaxFailures * IP_FAILURE_FACTOR;
    check(
      await repo.find({
        where: { kind: 'login', ip, success: false, at: MoreThan(since) },
        order: { at: 'DESC' },
        take: ipLimit + 21,
      }),
      ipLimit,
    );
  }
}
