import { APP_CONFIG, AppConfig, AuditService, Clock, TooManyAttempts, Unauthenticated } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, MoreThan } from 'typeorm';
import { dummyHash, verifyPassword } from '../passwords/password-hasher';
import { Principal } from '../permissions/principal';
import { PrincipalLoader } from '../permissions/principal.loader';
import { ApiToken } from '../tokens/api-token.entity';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import { StaffUser } from '../users/staff-user.entity';
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

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly principals: PrincipalLoader,
    private readonly audit: AuditService,
  ) {}

  /** Checks the password under the login rate limit; returns the user id or throws 401/429. */
  async verifyCredentials(emailIn: string, password: string, client: ClientInfo): Promise<StaffUser> {
    const email = emailIn.trim().toLowerCase();
    await this.assertNotLimited(email, client.ip);
    const user = await this.dataSource
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await dummyHash());
    const success = ok && !!user && user.active;
    await this.dataSource.getRepository(LoginAttempt).insert({ email, ip: client.ip, at: this.clock.now(), success });
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
      ip: client.ip.slice(0, 64),
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

  async fromBearer(token: string): Promise<Principal | null> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ tokenHash: sha256Hex(token), revokedAt: IsNull() });
    if (!row) return null;
    const principal = await this.principals.load(row.userId, 'token');
    if (!principal) return null;
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      await repo.update({ id: row.id }, { lastUsedAt: now });
    }
    return principal;
  }

  private async assertNotLimited(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginWindowMinutes } = this.config.auth;
    const now = this.clock.now().getTime();
    const since = new Date(now - loginWindowMinutes * 60_000);
    const repo = this.dataSource.getRepository(LoginAttempt);
    const retryAfter = (oldest: Date) => Math.max(1, Math.ceil((oldest.getTime() + loginWindowMinutes * 60_000 - now) / 1000));

    // Failures since the last success of this account count against it.
    const lastSuccess = await repo.findOne({ where: { email, success: true, at: MoreThan(since) }, order: { at: 'DESC' } });
    const from = lastSuccess ? lastSuccess.at : since;
    const byEmail = await repo.find({
      where: { email, success: false, at: MoreThan(from) },
      order: { at: 'DESC' },
      take: loginMaxFailures,
    });
    if (byEmail.length >= loginMaxFailures) throw new TooManyAttempts(retryAfter(byEmail[byEmail.length - 1].at));

    const ipLimit = loginMaxFailures * IP_FAILURE_FACTOR;
    const byIp = await repo.find({
      where: { ip, success: false, at: MoreThan(since) },
      order: { at: 'DESC' },
      take: ipLimit,
    });
    if (byIp.length >= ipLimit) throw new TooManyAttempts(retryAfter(byIp[byIp.length - 1].at));
  }
}
