import type { Routes } from '@angular/router';

export const inboxRoutes: Routes = [
  {
    path: '',
    title: 'nav.inbox',
    loadComponent: () => import('./ticket-list').then((m) => m.TicketList),
  },
  {
    path: ':mailboxId',
    title: 'nav.inbox',
    loadComponent: () => import('./ticket-list').then((m) => m.TicketList),
  },
];
