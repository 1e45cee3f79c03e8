import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export type NotificationKind = 'approval_requested' | 'reply_rejected' | 'reply_approved' | 'reply_approval_undone' | 'reply_send_failed' | 'ticket_assigned' | 'comment_mention';

export interface AppNotification {
  id: number;
  kind: NotificationKind | string;
  ticketId: number;
  replyId: number | null;
  text: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  items: AppNotification[];
  unread: number;
}

/** The signed-in user's notifications (approval requests and their outcomes). */
@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<NotificationList> {
    return this.http.get<NotificationList>('/api/notifications');
  }

  markRead(id: number): Observable<void> {
    return this.http.post<void>(`/api/notifications/${id}/read`, {});
  }

  markAllRead(): Observable<void> {
    return this.http.post<void>('/api/notifications/read-all', {});
  }
}

/** The signed-in user's choice of notices by mail (`/api/me/notification-preferences`). */
export interface NotificationPreferences {
  mailOnAssign: boolean;
  mailOnMention: boolean;
}

@Injectable({ providedIn: 'root' })
export class NotificationPreferencesApi {
  private readonly http = inject(HttpClient);

  get(): Observable<NotificationPreferences> {
    return this.http.get<NotificationPreferences>('/api/me/notification-preferences');
  }

  save(prefs: NotificationPreferences): Observable<NotificationPreferences> {
    return this.http.put<NotificationPreferences>('/api/me/notification-preferences', prefs);
  }
}
