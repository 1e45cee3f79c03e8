import type { Routes } from '@angular/router';

import { adminGuard, authGuard } from './core/auth-guards';

export const routes: Routes = [
  {
    path: 'login',
    title: 'login.title',
    loadComponent: () => import('./login/login').then((m) => m.Login),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      // Agents start the day in the inbox (issue #13: after sign-in the console opens 受信箱).
      { path: '', pathMatch: 'full', redirectTo: 'inbox' },
      {
        path: 'inbox',
        loadChildren: () => import('./inbox/inbox.routes').then((m) => m.inboxRoutes),
      },
      {
        path: 'approvals',
        title: 'approvals.title',
        loadComponent: () => import('./approvals/approval-queue').then((m) => m.ApprovalQueue),
      },
      {
        path: 'search',
        title: 'search.title',
        loadComponent: () => import('./search/search-results').then((m) => m.SearchResults),
      },
      {
        path: 'tickets/:id',
        title: 'ticket.title',
        loadComponent: () => import('./ticket/ticket-view').then((m) => m.TicketView),
      },
      {
        // MYPAGE's メッセージ管理. Not under /mypage: the server serves the customer portal there.
        path: 'messages',
        loadChildren: () => import('./mypage/mypage.routes').then((m) => m.mypageRoutes),
      },
      {
        path: 'work',
        title: 'work.title',
        loadComponent: () => import('./work/work-list').then((m) => m.WorkList),
      },
      { path: 'sms', title: 'nav.sms', loadComponent: () => import('./sms/sms-page').then((m) => m.SmsPage) },
      {
        path: 'customers',
        loadChildren: () => import('./customers/customers.routes').then((m) => m.customersRoutes),
      },
      {
        // 個人設定 is every user's own, so it sits beside the administrators' settings, not behind their guard.
        path: 'settings/profile',
        title: 'profile.title',
        loadComponent: () => import('./settings/profile/profile-settings').then((m) => m.ProfileSettings),
      },
      // Personal settings: every signed-in user, so outside the admin-only settings area.
      {
        path: 'settings/notifications',
        title: 'notificationSettings.title',
        loadComponent: () =>
          import('./settings/notifications/notification-settings').then((m) => m.NotificationSettings),
      },
      {
        path: 'settings',
        canActivate: [adminGuard],
        loadChildren: () => import('./settings/settings.routes').then((m) => m.settingsRoutes),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
