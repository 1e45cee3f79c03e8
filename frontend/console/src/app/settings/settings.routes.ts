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
        path: 'tokens',
        title: 'settings.tokens',
        loadComponent: () => import('./tokens/token-list').then((m) => m.TokenList),
      },
    ],
  },
];
