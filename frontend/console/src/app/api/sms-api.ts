import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export type SmsStatus = 'queued' | 'scheduled' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'cancelled';
export type SmsPurpose = 'transactional' | 'marketing';

export interface SmsSegments {
  docomo: number;
  au: number;
  softbank: number;
}

/** One SMS as the history lists it (`GET /api/sms/messages`). */
export interface SmsMessage {
  id: number;
  /** Null for a reply on the SMS ticket of a number no customer has. */
  customerId: number | null;
  ticketId: number | null;
  templateId: number | null;
  staffId: number | null;
  toNumber: string;
  subject: string;
  body: string;
  purpose: SmsPurpose;
  status: SmsStatus;
  provider: string;
  captured: boolean;
  clickCount: boolean;
  length: number;
  segments: SmsSegments;
  scheduledAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  errorCode: string | null;
  errorDetail: string | null;
  attempts: number;
  cancelledAt: string | null;
  cancelledBy: number | null;
  /** In lists: the name of the staff member who cancelled it. */
  cancelledByName?: string | null;
  cancelReason: string | null;
  createdAt: string;
  /** クリックカウント: the short links the sent text carries, with their clicks. */
  links?: { position: number; url: string; shortUrl: string; clicks: number; firstClickAt: string | null; lastClickAt: string | null }[];
}

export interface SmsPage {
  items: SmsMessage[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SmsTemplate {
  id: number;
  name: string;
  subject: string;
  body: string;
  usedForOnlineMeeting: boolean;
  placeholders: string[];
  needsMeeting: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SmsTemplateInput {
  name: string;
  subject: string;
  body: string;
  usedForOnlineMeeting: boolean;
}

export interface NewSms {
  customerId: number;
  ticketId?: number;
  templateId?: number;
  subject?: string;
  body: string;
  sendAt?: string;
  clickCount?: boolean;
  purpose: SmsPurpose;
  meeting?: { url: string; id?: string; password?: string };
}

export type SmsProviderKind = 'local' | 'gateway' | 'twilio';

/** SMS送信設定 as the server shows it: secrets only as whether they are set. */
export interface SmsSettings {
  provider: SmsProviderKind;
  effectiveProvider: SmsProviderKind | null;
  twilio: { accountSid: string | null; authTokenSet: boolean; from: string | null; messagingServiceSid: string | null; baseUrl: string; inboundWebhookUrl: string; statusWebhookUrl: string };
  gateway: { baseUrl: string | null; tokenSet: boolean; sender: string | null; inboundWebhookUrl?: string; statusWebhookUrl?: string };
  showResultAfterSend: boolean;
  confirmBeforeSend: boolean;
  notifyAddresses: string;
  mailboxId: number | null;
}

/** PUT /api/sms/settings: fields left out keep their value; an absent secret keeps the stored one. */
export interface SmsSettingsInput {
  provider?: SmsProviderKind;
  twilio?: { accountSid?: string; authToken?: string; from?: string | null; messagingServiceSid?: string | null; baseUrl?: string };
  gateway?: { baseUrl?: string; token?: string; sender?: string };
  showResultAfterSend?: boolean;
  confirmBeforeSend?: boolean;
  notifyAddresses?: string;
  mailboxId?: number | null;
}

/** 接続テスト: `code` names what went wrong (SMS_AUTH_FAILED, SMS_PROVIDER_UNREACHABLE, …). */
export interface SmsTestResult {
  ok: boolean;
  provider: SmsProviderKind | null;
  code?: string;
  error?: string;
}

/** What the send dialog needs to know of the settings (for those who may send). */
export interface SmsSendOptions {
  provider: SmsProviderKind | null;
  captured: boolean;
  confirmBeforeSend: boolean;
  showResultAfterSend: boolean;
}

export interface SmsQuery {
  customerId?: number;
  status?: SmsStatus | '';
  staffId?: number | '';
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

@Injectable({ providedIn: 'root' })
export class SmsApi {
  private readonly http = inject(HttpClient);

  settings(): Observable<SmsSettings> {
    return this.http.get<SmsSettings>('/api/sms/settings');
  }

  saveSettings(input: SmsSettingsInput): Observable<SmsSettings> {
    return this.http.put<SmsSettings>('/api/sms/settings', input);
  }

  testSettings(): Observable<SmsTestResult> {
    return this.http.post<SmsTestResult>('/api/sms/settings/test', {});
  }

  options(): Observable<SmsSendOptions> {
    return this.http.get<SmsSendOptions>('/api/sms/options');
  }

  send(input: NewSms): Observable<SmsMessage> {
    return this.http.post<SmsMessage>('/api/sms/messages', input);
  }

  list(query: SmsQuery): Observable<SmsPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params = params.set(key, String(value));
    }
    return this.http.get<SmsPage>('/api/sms/messages', { params });
  }

  retry(id: number): Observable<SmsMessage> {
    return this.http.post<SmsMessage>(`/api/sms/messages/${id}/retry`, {});
  }

  cancel(id: number): Observable<SmsMessage> {
    return this.http.post<SmsMessage>(`/api/sms/messages/${id}/cancel`, {});
  }

  templates(): Observable<SmsTemplate[]> {
    return this.http.get<SmsTemplate[]>('/api/sms/templates');
  }

  createTemplate(input: SmsTemplateInput): Observable<SmsTemplate> {
    return this.http.post<SmsTemplate>('/api/sms/templates', input);
  }

  updateTemplate(id: number, input: Partial<SmsTemplateInput>): Observable<SmsTemplate> {
    return this.http.patch<SmsTemplate>(`/api/sms/templates/${id}`, input);
  }

  deleteTemplate(id: number): Observable<void> {
    return this.http.delete<void>(`/api/sms/templates/${id}`);
  }
}
