import type { Routes } from '@angular/router';

import { Settings } from './settings';

export const settingsRoutes: Routes = [
  {
    path: '',
    component: Settings,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'users' },
      {
        path: 'users',
        title: 'settings.users',
        loadComponent: () => import('./users/user-list').then((m) => m.UserList),
      },
      {
        path: 'groups',
        title: 'settings.groups',
        loadComponent: () => import('./groups/group-list').then((m) => m.GroupList),
      },
      {
        path: 'mailboxes',
        title: 'settings.mailboxes',
        loadComponent: () => import('./mailboxes/mailbox-list').then((m) => m.MailboxList),
      },
      {
        path: 'mailboxes/new',
        title: 'settings.newMailbox',
        loadComponent: () => import('./mailboxes/mailbox-form').then((m) => m.MailboxForm),
      },
      {
        path: 'mailboxes/:id',
        title: 'settings.editMailbox',
        loadComponent: () => import('./mailboxes/mailbox-form').then((m) => m.MailboxForm),
      },
      {
        path: 'mailboxes/:id/automation',
        title: 'automation.title',
        loadComponent: () => import('./mailboxes/mailbox-automation').then((m) => m.MailboxAutomation),
      },
      {
        path: 'mailboxes/:id/quarantine',
        title: 'settings.quarantine.title',
        loadComponent: () => import('./mailboxes/quarantine-list').then((m) => m.QuarantineList),
      },
      {
        path: 'mailboxes/:id/captured',
        title: 'settings.captured.title',
        loadComponent: () => import('./captured-mail/captured-mail-list').then((m) => m.CapturedMailList),
      },
      {
        path: 'mailboxes/:id/captured/:capturedId',
        title: 'settings.captured.title',
        loadComponent: () => import('./captured-mail/captured-mail-reader').then((m) => m.CapturedMailReader),
      },
      {
        path: 'templates',
        title: 'templates.title',
        loadComponent: () => import('./templates/template-list').then((m) => m.TemplateList),
      },
      {
        path: 'templates/new',
        title: 'templates.new',
        loadComponent: () => import('./templates/template-form').then((m) => m.TemplateForm),
      },
      {
        path: 'templates/:id',
        title: 'templates.edit',
        loadComponent: () => import('./templates/template-form').then((m) => m.TemplateForm),
      },
      {
        path: 'forms',
        title: 'forms.title',
        loadComponent: () => import('./forms/form-list').then((m) => m.FormList),
      },
      {
        path: 'forms/:mailboxId/new',
        title: 'forms.new',
        loadComponent: () => import('./forms/form-editor').then((m) => m.FormEditor),
      },
      {
        path: 'forms/:mailboxId/:id',
        title: 'forms.edit',
        loadComponent: () => import('./forms/form-editor').then((m) => m.FormEditor),
      },
      {
        path: 'history',
        title: 'settings.history.title',
        loadComponent: () => import('./history/history-settings').then((m) => m.HistorySettings),
      },
      {
        path: 'member-notifications',
        title: 'memberNotifications.title',
        loadComponent: () =>
          import('./member-notifications/member-notification-settings').then(
            (m) => m.MemberNotificationEditor,
          ),
      },
      {
        path: 'mypage',
        title: 'settings.mypage.title',
        loadComponent: () => import('./mypage/mypage-settings').then((m) => m.MypageSettingsPanel),
      },
      {
        path: 'tokens',
        title: 'settings.tokens',
        loadComponent: () => import('./tokens/token-list').then((m) => m.TokenList),
      },
      {
        path: 'cti-tokens',
        title: 'cti.tokens.title',
        loadComponent: () => import('./cti-tokens/cti-token-list').then((m) => m.CtiTokenList),
      },
    ],
  },
];
