import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** 通知メール編集's three templates, as libs/customers/src/notifications names them. */
export const MEMBER_NOTIFICATION_TEMPLATES = [
  'adminOnRegister',
  'customerOnRegister',
  'customerOnWithdraw',
] as const;
export type MemberNotificationTemplate = (typeof MEMBER_NOTIFICATION_TEMPLATES)[number];

/** The placeholders each template knows (the server refuses any other). */
export const MEMBER_NOTIFICATION_PLACEHOLDERS: Record<MemberNotificationTemplate, readonly string[]> = {
  adminOnRegister: ['time', 'name', 'contents'],
  customerOnRegister: ['time', 'name'],
  customerOnWithdraw: ['name'],
};
export const MAX_RECIPIENTS = 5;
export const SUBJECT_MAX = 200;
export const BODY_MAX = 5000;

export interface MemberNotificationText {
  enabled: boolean;
  subject: string;
  body: string;
}

export interface MemberNotificationSettings {
  adminOnRegister: MemberNotificationText & { recipients: string[] };
  customerOnRegister: MemberNotificationText;
  customerOnWithdraw: MemberNotificationText;
}

export interface MemberNotificationPreview {
  subject: string;
  body: string;
  /** Where it would go; empty: the customer has no address, so it would not be sent. */
  to: string[];
}

@Injectable({ providedIn: 'root' })
export class MemberNotificationsApi {
  private readonly http = inject(HttpClient);

  get(): Observable<MemberNotificationSettings> {
    return this.http.get<MemberNotificationSettings>('/api/settings/member-notifications');
  }

  save(settings: MemberNotificationSettings): Observable<MemberNotificationSettings> {
    return this.http.put<MemberNotificationSettings>('/api/settings/member-notifications', settings);
  }

  /** The template filled with a real customer's values; `subject`/`body` preview unsaved text. */
  preview(input: {
    template: MemberNotificationTemplate;
    customerId: number;
    subject?: string;
    body?: string;
  }): Observable<MemberNotificationPreview> {
    return this.http.post<MemberNotificationPreview>('/api/settings/member-notifications/preview', input);
  }
}
