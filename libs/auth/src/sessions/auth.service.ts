import { APP_CONFIG, AppConfig, AuditService, Clock, DomainError, runAsUnitOfWork, TooManyAttempts, Unauthenticated, ValidationFailed, fieldError } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, MoreThan, Not } from 'typeorm';
import { dummyHash, hashPassword, verifyPassword } from '../passwords/password-hasher';
import { assertAcceptablePassword } from '../passwords/password-policy';
import { AuthedRequest } from '../permissions/decorators';
import { Principal } from '../permissions/principal';
import { PrincipalLoader } from '../permissions/principal.loader';
import { ApiToken, TokenScope } from '../tokens/api-token.entity';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import { StaffUser } from '../users/staff-user.entity';
import { AccessEvents } from './access-events.service';
import { LoginAttempt } from './login-attempt.entity';
import { Session } from './session.entity';

export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

export interface NewSession {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
}

/** Failures from one address across all accounts before it is slowed down too. */
const IP_FAILURE_FACTOR = 4;
/** The first wait once a limit is reached; it doubles with each further failure, up to the window. */
const FIRST_DELAY_MS = 30_000;
/** How often an open live-event stream checks its session and rights again (changes made by other instances). */
const RECHECK_MS = 15_000;

/** What an open stream is told: hold events while its access is checked again, then the new principal (null: end it). */
export interface AccessListener {
  stale(): void;
  fresh(principal: Principal | null): void;
}

/** `::ffff:192.0.2.1` and `192.0.2.1` are one client. */
function clientKey(ip: string): string {
  return (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip).slice(0, 64);
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly principals: PrincipalLoader,
    private readonly audit: AuditService,
    private readonly access: AccessEvents,
  ) {}

  /** Checks the password under the login rate limit; returns the user id or throws 401/429. */
  async verifyCredentials(emailIn: string, password: string, client: ClientInfo): Promise<StaffUser> {
    const email = emailIn.trim().toLowerCase();
    const ip = clientKey(client.ip);
    await this.assertNotLimited(email, ip);
    const user = await this.dataSource
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await dummyHash());
    const success = ok && !!user && user.active;
    await this.dataSource.getRepository(LoginAttempt).insert({ email, ip, at: this.clock.now(), success });
    if (!success || !user) throw new Unauthenticated('Wrong email or password');
    return user;
  }

  async login(email: string, password: string, client: ClientInfo): Promise<NewSession> {
    const user = await this.verifyCredentials(email, password, client);
    const now = this.clock.now();
    const sessionToken = newSecretToken();
    const csrfToken = newSecretToken();
    const expiresAt = new Date(now.getTime() + this.config.auth.sessionTtlHours * 3600_000);
    const session = await this.dataSource.getRepository(Session).save({
      tokenHash: sha256Hex(sessionToken),
      userId: user.id,
      csrfToken,
      ip: clientKey(client.ip),
      userAgent: client.userAgent?.slice(0, 255) ?? null,
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
    });
    const principal = await this.principals.load(user.id, 'session');
    if (!principal) throw new Unauthenticated('Wrong email or password');
    await this.audit.record(principal.actor, { entity: 'session', entityId: session.id, action: 'login', after: { ip: client.ip } });
    // Old sessions are swept here rather than by a job: logins are rare enough.
    await this.dataSource.getRepository(Session).delete({ expiresAt: LessThan(now) });
    return { sessionToken, csrfToken, expiresAt, principal };
  }

  async logout(sessionId: number, principal: Principal): Promise<void> {
    await this.dataSource.getRepository(Session).delete({ id: sessionId });
    await this.audit.record(principal.actor, { entity: 'session', entityId: sessionId, action: 'logout' });
    this.access.changed([principal.userId]);
  }

  /**
   * The signed-in user changes their own password: the current one must check out (under the
   * login limit, so a borrowed session cannot guess it), the new one must pass the password rule.
   * Every other session of the user ends; the one making the change (if any) stays.
   */
  async changePassword(principal: Principal, keepSessionId: number | undefined, currentPassword: string, newPassword: string, client: ClientInfo): Promise<void> {
    const ip = clientKey(client.ip);
    await this.assertNotLimited(principal.email, ip);
    const user = await this.dataSource
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: principal.userId })
      .getOne();
    if (!user) throw new Unauthenticated();
    const ok = await verifyPassword(currentPassword, user.passwordHash);
    await this.dataSource.getRepository(LoginAttempt).insert({ email: user.email, ip, at: this.clock.now(), success: ok });
    if (!ok) throw new DomainError('WRONG_PASSWORD', 'The current password is wrong', 400, { currentPassword: [fieldError('WRONG_PASSWORD', 'currentPassword is wrong')] });
    assertAcceptablePassword(newPassword, 'newPassword', { email: user.email });
    if (newPassword === currentPassword) throw new ValidationFailed({ newPassword: [fieldError('PASSWORD_UNCHANGED', 'newPassword must differ from the current password')] });
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(StaffUser).update({ id: user.id }, { passwordHash });
      await m.getRepository(Session).delete(keepSessionId ? { userId: user.id, id: Not(keepSessionId) } : { userId: user.id });
      await this.audit.record(principal.actor, { entity: 'user', entityId: user.id, action: 'password' }, m);
    });
    this.access.changed([user.id]);
  }

  /** The principal behind a session cookie, or null when it is unknown or expired. */
  async fromSession(token: string): Promise<{ principal: Principal; session: Session } | null> {
    const now = this.clock.now();
    const repo = this.dataSource.getRepository(Session);
    const session = await repo.findOneBy({ tokenHash: sha256Hex(token), expiresAt: MoreThan(now) });
    if (!session) return null;
    const principal = await this.principals.load(session.userId, 'session');
    if (!principal) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      await repo.update({ id: session.id }, { lastSeenAt: now });
    }
    return { principal, session };
  }

  /**
   * The principal behind a bearer token, or null when it is unknown or revoked, or a scoped
   * token (CTI) that signs nobody in; throws when it expired.
   */
  async fromBearer(token: string): Promise<{ principal: Principal; tokenId: number } | null> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ tokenHash: sha256Hex(token), revokedAt: IsNull() });
    if (!row || row.scope !== null) return null;
    const now = this.clock.now();
    if (row.expiresAt && row.expiresAt <= now) throw new Unauthenticated('The bearer token has expired; make a new one');
    const principal = await this.principals.load(row.userId, 'token');
    if (!principal) return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      await repo.update({ id: row.id }, { lastUsedAt: now });
    }
    return { principal, tokenId: row.id };
  }

  /** What scope a live bearer token has (null: an ordinary token), or undefined when it is unknown or revoked. */
  async bearerScope(token: string): Promise<TokenScope | null | undefined> {
    const row = await this.dataSource.getRepository(ApiToken).findOne({ select: { id: true, scope: true }, where: { tokenHash: sha256Hex(token), revokedAt: IsNull() } });
    return row ? row.scope : undefined;
  }

  /** The CTI token behind a bearer header's text: its id, 'other' for a live token of another kind, null when unknown or revoked. */
  async fromCtiToken(token: string): Promise<{ tokenId: number } | 'other' | null> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ tokenHash: sha256Hex(token), revokedAt: IsNull() });
    if (!row) return null;
    if (row.scope !== 'cti') return 'other';
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await repo.update({ id: row.id }, { lastUsedAt: now });
    return { tokenId: row.id };
  }

  /**
   * Keeps a long-lived response (the live-event stream) in step with the access of the request
   * that opened it: when this instance changes that user's access (or any group), and every
   * RECHECK_MS for changes made elsewhere, the listener is told to hold its events, then given
   * the reloaded principal, or null once the session or token is gone or the user disabled.
   */
  watch(req: AuthedRequest, listener: AccessListener): () => void {
    const userId = req.principal!.userId;
    const { sessionId, tokenId } = req;
    let running = false;
    let again = false;
    let stopped = false;
    const recheck = () => {
      if (stopped) return;
      listener.stale();
      if (running) {
        again = true;
        return;
      }
      running = true;
      void runAsUnitOfWork(async () => {
        let next: Principal | null = null;
        do {
          again = false;
          next = await this.currentAccess(userId, sessionId, tokenId).catch(() => null);
        } while (again && !stopped);
        running = false;
        if (!stopped) listener.fresh(next);
      });
    };
    const unsubscribe = this.access.subscribe((ids) => {
      if (ids === null || ids.includes(userId)) recheck();
    });
    const timer = setInterval(recheck, RECHECK_MS);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    };
  }

  private async currentAccess(userId: number, sessionId: number | undefined, tokenId: number | undefined): Promise<Principal | null> {
    const now = this.clock.now();
    if (sessionId !== undefined) {
      if (!(await this.dataSource.getRepository(Session).existsBy({ id: sessionId, expiresAt: MoreThan(now) }))) return null;
      return this.principals.load(userId, 'session');
    }
    if (tokenId !== undefined) {
      const row = await this.dataSource.getRepository(ApiToken).findOneBy({ id: tokenId, revokedAt: IsNull() });
      if (!row || (row.expiresAt && row.expiresAt <= now)) return null;
      return this.principals.load(userId, 'token');
    }
    return null;
  }

  /**
   * Throttles guessing per (account, address) and per address, never per account alone: the
   * owner who types the right password from an address that has not failed always gets in.
   * Once a limit is reached each attempt waits FIRST_DELAY_MS after the last failure, doubling
   * with each further failure, never longer than the window.
   */
  private async assertNotLimited(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginWindowMinutes } = this.config.auth;
    const windowMs = loginWindowMinutes * 60_000;
    const now = this.clock.now().getTime();
    const since = new Date(now - windowMs);
    const repo = this.dataSource.getRepository(LoginAttempt);
    const check = (failures: LoginAttempt[], limit: number) => {
      if (failures.length < limit) return;
      const delay = Math.min(windowMs, FIRST_DELAY_MS * 2 ** Math.min(20, failures.length - limit));
      const until = failures[0].at.getTime() + delay;
      if (now < until) throw new TooManyAttempts(Math.max(1, Math.ceil((until - now) / 1000)));
    };

    // This account from this address: failures since its last success from here.
    const lastSuccess = await repo.findOne({ where: { email, ip, success: true, at: MoreThan(since) }, order: { at: 'DESC' } });
    const pair = await repo.find({
      where: { email, ip, success: false, at: MoreThan(lastSuccess ? lastSuccess.at : since) },
      order: { at: 'DESC' },
      take: loginMaxFailures + 21,
    });
    check(pair, loginMaxFailures);

    // This address over all accounts (a success does not reset it: one known account must not buy more guesses).
    const ipLimit = loginMaxFailures * IP_FAILURE_FACTOR;
    const byIp = await repo.find({ where: { ip, success: false, at: MoreThan(since) }, order: { at: 'DESC' }, take: ipLimit + 21 });
    check(byIp, ipLimit);
  }
}
