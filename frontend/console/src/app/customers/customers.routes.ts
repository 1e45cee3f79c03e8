import type { Routes } from '@angular/router';

export const customersRoutes: Routes = [
  {
    path: '',
    title: 'nav.customers',
    loadComponent: () => import('./customer-list').then((m) => m.CustomerList),
  },
  {
    path: 'import',
    title: 'customerImport.title',
    loadComponent: () => import('./customer-import').then((m) => m.CustomerImport),
  },
  {
    path: 'duplicates',
    title: 'customerMerge.title',
    loadComponent: () => import('./customer-duplicates').then((m) => m.CustomerDuplicates),
  },
  {
    path: 'batches',
    title: 'historyBatch.listTitle',
    loadComponent: () => import('./history-batches').then((m) => m.HistoryBatches),
  },
  {
    path: 'new',
    title: 'customer.newTitle',
    loadComponent: () => import('./customer-form').then((m) => m.CustomerForm),
  },
  {
    path: ':id',
    title: 'customer.editTitle',
    loadComponent: () => import('./customer-form').then((m) => m.CustomerForm),
  },
];
