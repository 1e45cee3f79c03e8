import type { Routes } from '@angular/router';

export const mypageRoutes: Routes = [
  {
    path: '',
    title: 'mypageThreads.title',
    loadComponent: () => import('./thread-list').then((m) => m.ThreadList),
  },
  {
    path: ':id',
    title: 'mypageThreads.viewTitle',
    loadComponent: () => import('./thread-view').then((m) => m.ThreadView),
  },
];
