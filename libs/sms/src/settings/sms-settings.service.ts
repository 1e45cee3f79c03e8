import { APP_CONFIG, AppConfig, Actor, AuditService, Clock, fieldError, FieldProblem, SecretBox, ValidationFailed } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { GatewayProvider } from '../providers/gateway.provider';
import { LocalCaptureProvider } from '../providers/local-capture.provider';
import { SmsProvider, SmsProviderError } from '../providers/sms-provider';
import { TWILIO_DEFAULT_BASE_URL, TwilioProvider } from '../providers/twilio.provider';
import { SmsSettingsDto } from './sms-settings.dto';
import { SmsProviderKind, SmsSettings } from './sms-settings.entity';

const ROW_ID = 1;
export const MAX_NOTIFY_ADDRESSES = 5;

export interface SmsSettingsView {
  provider: SmsProviderKind;
  /** What sending uses now: the provider, `local` (capture outside production when none is set), or null (nothing: sending refused). */
  effectiveProvider: SmsProviderKind | null;
  twilio: { accountSid: string | null; authTokenSet: boolean; from: string | null; messagingServiceSid: string | null; baseUrl: string; inboundWebhookUrl: string; statusWebhookUrl: string };
  gateway: { baseUrl: string | null; tokenSet: boolean; sender: string | null; inboundWebhookUrl: string; statusWebhookUrl: string };
  showResultAfterSend: boolean;
  confirmBeforeSend: boolean;
  notifyAddresses: string;
  mailboxId: number | null;
}

export interface SmsTestResult {
  ok: boolean;
  provider: SmsProviderKind | null;
  code?: string;
  error?: string;
}

/** `a@x; b@y` → the addresses, trimmed, blanks dropped. */
export function splitAddresses(text: string): string[] {
  return text
    .split(';')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** SMS送信設定: the one settings row, its secrets sealed, and the provider it makes. */
@Injectable()
export class SmsSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async row(): Promise<SmsSettings | null> {
    return this.dataSource.getRepository(SmsSettings).findOneBy({ id: ROW_ID });
  }

  /** Local capture wherever nothing is configured outside production (the embedded default); in production nothing. */
  effectiveProvider(row: SmsSettings | null): SmsProviderKind | null {
    if (row) return row.provider;
    return this.config.env === 'production' ? null : 'local';
  }

  /** Where a provider posts its webhooks (docs/sms.md); Twilio's signature is checked against exactly this URL. */
  webhookUrl(kind: 'inbound' | 'status', provider: 'twilio' | 'gateway' = 'twilio'): string {
    return `${this.config.http.publicUrl.replace(/\/+$/, '')}/api/sms/webhooks/${provider}/${kind}`;
  }

  async view(): Promise<SmsSettingsView> {
    return this.toView(await this.row());
  }

  /** What the send dialog needs (for those who may send, not only those who may change the settings). */
  async sendOptions(): Promise<{ provider: SmsProviderKind | null; captured: boolean; confirmBeforeSend: boolean; showResultAfterSend: boolean }> {
    const r = await this.row();
    const v = this.toView(r);
    return { provider: v.effectiveProvider, captured: v.effectiveProvider === 'local', confirmBeforeSend: v.confirmBeforeSend, showResultAfterSend: v.showResultAfterSend };
  }

  private toView(r: SmsSettings | null): SmsSettingsView {
    return {
      provider: r?.provider ?? 'local',
      effectiveProvider: this.effectiveProvider(r),
      twilio: {
        accountSid: r?.twilioAccountSid ?? null,
        authTokenSet: !!r?.twilioAuthTokenSecret,
        from: r?.twilioFrom ?? null,
        messagingServiceSid: r?.twilioMessagingServiceSid ?? null,
        baseUrl: r?.twilioBaseUrl ?? TWILIO_DEFAULT_BASE_URL,
        inboundWebhookUrl: this.webhookUrl('inbound'),
        statusWebhookUrl: this.webhookUrl('status'),
      },
      gateway: { baseUrl: r?.gatewayBaseUrl ?? null, tokenSet: !!r?.gatewayTokenSecret, sender: r?.gatewaySender ?? null, inboundWebhookUrl: this.webhookUrl('inbound', 'gateway'), statusWebhookUrl: this.webhookUrl('status', 'gateway') },
      showResultAfterSend: r?.showResultAfterSend ?? true,
      confirmBeforeSend: r?.confirmBeforeSend ?? true,
      notifyAddresses: r?.notifyAddresses ?? '',
      mailboxId: r?.mailboxId ?? null,
    };
  }

  /** Fields left out keep their value; `mailboxExists` is the caller's check of the chosen mailbox. */
  async update(dto: SmsSettingsDto, actor: Actor, mailboxExists: (id: number) => Promise<boolean>): Promise<SmsSettingsView> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(SmsSettings);
      const existing = await repo.findOneBy({ id: ROW_ID });
      const before = this.toView(existing);
      const now = this.clock.now();
      const r: SmsSettings =
        existing ??
        repo.create({
          id: ROW_ID,
          provider: 'local',
          twilioAccountSid: null,
          twilioAuthTokenSecret: null,
          twilioFrom: null,
          twilioMessagingServiceSid: null,
          twilioBaseUrl: null,
          gatewayBaseUrl: null,
          gatewayTokenSecret: null,
          gatewaySender: null,
          showResultAfterSend: true,
          confirmBeforeSend: true,
          notifyAddresses: '',
          mailboxId: null,
          createdAt: now,
        });
      if (dto.provider != null) r.provider = dto.provider;
      // A field sent as null is taken as left out, except those that may be cleared (from, messagingServiceSid, sender, mailboxId).
      const t = dto.twilio;
      if (t) {
        if (t.accountSid !== undefined) r.twilioAccountSid = t.accountSid || null;
        if (t.authToken) r.twilioAuthTokenSecret = this.secrets.seal(t.authToken);
        if (t.from !== undefined) r.twilioFrom = t.from || null;
        if (t.messagingServiceSid !== undefined) r.twilioMessagingServiceSid = t.messagingServiceSid || null;
        if (t.baseUrl != null) r.twilioBaseUrl = t.baseUrl.replace(/\/+$/, '') || null;
      }
      const g = dto.gateway;
      if (g) {
        if (g.baseUrl != null) r.gatewayBaseUrl = g.baseUrl.replace(/\/+$/, '') || null;
        if (g.token) r.gatewayTokenSecret = this.secrets.seal(g.token);
        if (g.sender !== undefined) r.gatewaySender = g.sender || null;
      }
      if (dto.showResultAfterSend != null) r.showResultAfterSend = dto.showResultAfterSend;
      if (dto.confirmBeforeSend != null) r.confirmBeforeSend = dto.confirmBeforeSend;
      // null: back to the first mailbox the sender can see.
      if (dto.mailboxId !== undefined) r.mailboxId = dto.mailboxId ?? null;

      const problems: Record<string, FieldProblem[]> = {};
      const add = (field: string, p: FieldProblem) => (problems[field] ??= []).push(p);
      if (dto.notifyAddresses != null) {
        const list = splitAddresses(dto.notifyAddresses);
        const bad = list.filter((a) => a.length > 254 || !isEmail(a));
        if (list.length > MAX_NOTIFY_ADDRESSES) add('notifyAddresses', fieldError('ARRAY_MAX_SIZE', `at most ${MAX_NOTIFY_ADDRESSES} addresses, separated by ;`, { max: MAX_NOTIFY_ADDRESSES }));
        if (bad.length) add('notifyAddresses', fieldError('EMAIL', `not an email address: ${bad.slice(0, 5).map((a) => a.slice(0, 60)).join(', ')}`));
        r.notifyAddresses = list.join(';');
      }
      if (r.provider === 'twilio') {
        if (!r.twilioAccountSid) add('twilio.accountSid', fieldError('REQUIRED', 'twilio.accountSid is required for Twilio'));
        if (!r.twilioAuthTokenSecret) add('twilio.authToken', fieldError('REQUIRED', 'twilio.authToken is required for Twilio'));
        if (!r.twilioFrom && !r.twilioMessagingServiceSid) add('twilio.from', fieldError('REQUIRED', 'twilio.from or twilio.messagingServiceSid is required for Twilio'));
      }
      if (r.provider === 'gateway') {
        // Each gateway has its own address (SMSLINK, Karaden, media-sms …): no default to fall back on.
        if (!r.gatewayBaseUrl) add('gateway.baseUrl', fieldError('REQUIRED', 'gateway.baseUrl is required for the SMS gateway'));
        if (!r.gatewayTokenSecret) add('gateway.token', fieldError('REQUIRED', 'gateway.token is required for the SMS gateway'));
        if (!r.gatewaySender) add('gateway.sender', fieldError('REQUIRED', 'gateway.sender is required for the SMS gateway'));
      }
      if (r.mailboxId !== null && dto.mailboxId !== undefined && !(await mailboxExists(r.mailboxId))) add('mailboxId', fieldError('NOT_FOUND', `mailbox ${r.mailboxId} does not exist`));
      if (Object.keys(problems).length) throw new ValidationFailed(problems);

      r.updatedAt = now;
      await repo.save(r);
      const after = this.toView(r);
      await this.audit.record(actor, { entity: 'sms_settings', entityId: ROW_ID, action: existing ? 'update' : 'create', before, after }, m);
      return after;
    });
  }

  /** The provider sending uses now; throws SmsProviderError (code SMS_SECRET_UNREADABLE) when a stored secret no longer opens. */
  provider(r: SmsSettings | null, kind: SmsProviderKind | null = this.effectiveProvider(r)): SmsProvider | null {
    if (!kind) return null;
    if (kind === 'local' || !r) return new LocalCaptureProvider();
    const open = (sealed: string | null): string => {
      if (!sealed) return '';
      try {
        return this.secrets.open(sealed);
      } catch (e) {
        throw new SmsProviderError('SMS_SECRET_UNREADABLE', 'soon', `the stored ${kind} credentials cannot be read: ${(e as Error).message}`);
      }
    };
    if (kind === 'twilio') {
      return new TwilioProvider({
        accountSid: r.twilioAccountSid ?? '',
        authToken: open(r.twilioAuthTokenSecret),
        from: r.twilioFrom,
        messagingServiceSid: r.twilioMessagingServiceSid,
        baseUrl: r.twilioBaseUrl ?? TWILIO_DEFAULT_BASE_URL,
        statusCallback: this.webhookUrl('status'),
      });
    }
    return new GatewayProvider({ baseUrl: r.gatewayBaseUrl ?? '', token: open(r.gatewayTokenSecret), sender: r.gatewaySender ?? '' });
  }

  /**
   * What checks a provider's webhooks (docs/sms.md): Twilio's account SID and auth token, the
   * gateway's token (the HMAC key); null when that provider's credentials are not set, so it has
   * no webhooks. Throws SmsProviderError (SMS_SECRET_UNREADABLE) when the sealed secret no longer opens.
   */
  webhookKey(r: SmsSettings | null, kind: 'twilio' | 'gateway'): { accountSid: string | null; key: string } | null {
    const sealed = kind === 'twilio' ? r?.twilioAuthTokenSecret : r?.gatewayTokenSecret;
    if (!r || !sealed || (kind === 'twilio' && !r.twilioAccountSid)) return null;
    let key: string;
    try {
      key = this.secrets.open(sealed);
    } catch (e) {
      throw new SmsProviderError('SMS_SECRET_UNREADABLE', 'soon', `the stored ${kind} credentials cannot be read: ${(e as Error).message}`);
    }
    return key ? { accountSid: kind === 'twilio' ? r.twilioAccountSid : null, key } : null;
  }

  /** 接続テスト of the saved settings: signs in at the provider and reads the account; sends nothing. */
  async test(): Promise<SmsTestResult> {
    const r = await this.row();
    const kind = this.effectiveProvider(r);
    if (!kind) return { ok: false, provider: null, code: 'SMS_NOT_CONFIGURED', error: 'No SMS provider is configured' };
    try {
      await this.provider(r, kind)!.verify();
      return { ok: true, provider: kind };
    } catch (e) {
      if (e instanceof SmsProviderError) return { ok: false, provider: kind, code: e.code, error: e.message };
      return { ok: false, provider: kind, code: 'SMS_PROVIDER_ERROR', error: (e as Error).message };
    }
  }
}
