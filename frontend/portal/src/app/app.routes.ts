import type { Routes } from '@angular/router';

import { authGuard, signedOutGuard } from './core/auth-guard';

export const routes: Routes = [
  {
    path: 'login',
    title: 'login.title',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/login').then((m) => m.Login),
  },
  {
    path: 'signup',
    title: 'signup.title',
    loadComponent: () => import('./auth/signup').then((m) => m.Signup),
  },
  {
    path: 'password-reset',
    title: 'reset.title',
    loadComponent: () => import('./auth/password-reset').then((m) => m.PasswordReset),
  },
  {
    // The invitation, sign-up verification and reset mails all link here (libs/mypage portal-mail.ts).
    path: 'set-password',
    title: 'setPassword.title',
    loadComponent: () => import('./auth/set-password').then((m) => m.SetPassword),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'threads' },
      {
        path: 'threads',
        title: 'threads.title',
        loadComponent: () => import('./threads/thread-list').then((m) => m.ThreadList),
      },
      {
        path: 'threads/new',
        title: 'newThread.title',
        loadComponent: () => import('./threads/new-thread').then((m) => m.NewThread),
      },
      {
        path: 'threads/:id',
        title: 'threads.title',
        loadComponent: () => import('./threads/thread-view').then((m) => m.ThreadView),
      },
      {
        path: 'account',
        title: 'account.title',
        loadComponent: () => import('./account/account').then((m) => m.Account),
      },
    ],
  },
  { path: '**', redirectTo: 'threads' },
];
