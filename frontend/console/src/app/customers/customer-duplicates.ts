import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { RouterLink } from '@angular/router';
import { Subscription } from 'rxjs';

import {
  CustomerMergeApi,
  DUPLICATE_KEYS,
  MERGE_FIELDS,
  type DuplicateGroup,
  type DuplicateKey,
  type MergeField,
  type RelatedCounts,
} from '../api/customer-merge-api';
import type { Customer } from '../api/customers-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { CustomerHistory } from './customer-history';
import { CustomerSms } from './customer-sms';
import { CustomerThreads } from './customer-threads';
import { CustomerTickets } from './customer-tickets';

const PAGE_SIZE = 10;
const RELATED: (keyof RelatedCounts)[] = [
  'tickets',
  'threads',
  'smsMessages',
  'historyEntries',
  'visits',
  'images',
  'portalAccounts',
];

/** One group being decided: who survives, who is merged in, and whose value each field keeps. */
interface Decision {
  survivorId: number;
  included: Set<number>;
  fields: Record<MergeField, number>;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * 重複会員統合: groups of customers found by one of five keys, shown side by side. The user picks
 * the survivor, who is merged in, and field by field whose value survives; each customer's
 * inquiries, threads, SMS and history can be opened before deciding; the merge asks first.
 */
@Component({
  selector: 'mg-customer-duplicates',
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatIconModule,
    MatProgressBarModule,
    MatRadioModule,
    TranslatePipe,
    DateTimePipe,
    CustomerTickets,
    CustomerThreads,
    CustomerSms,
    CustomerHistory,
  ],
  templateUrl: './customer-duplicates.html',
  styleUrl: './customer-duplicates.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerDuplicates {
  private readonly api = inject(CustomerMergeApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);

  protected readonly keys = DUPLICATE_KEYS;
  protected readonly fieldsShown = MERGE_FIELDS;
  protected readonly relatedKinds = RELATED;

  protected readonly key = signal<DuplicateKey>('email');
  protected readonly birthdayOnly = signal(false);
  protected readonly page = signal(1);
  protected readonly loading = signal(false);
  protected readonly searched = signal(false);
  protected readonly groups = signal<DuplicateGroup[]>([]);
  protected readonly total = signal(0);
  protected readonly decisions = signal<Map<string, Decision>>(new Map());
  /** `groupKey:customerId` whose inquiries, threads, SMS and history are open. */
  protected readonly openDetails = signal<Set<string>>(new Set());
  protected readonly merging = signal<string | null>(null);
  /** The last merge's survivor, linked from the page. */
  protected readonly lastMerged = signal<Customer | null>(null);

  protected readonly range = computed(() => {
    const total = this.total();
    if (!total) return null;
    const from = (this.page() - 1) * PAGE_SIZE + 1;
    return { total, from, to: Math.min(total, from + this.groups().length - 1) };
  });
  protected readonly hasNext = computed(() => this.page() * PAGE_SIZE < this.total());

  /** The search in flight: a newer one (another key) cancels it, so an older answer never overwrites it. */
  private pending?: Subscription;

  constructor() {
    // The page opens on the default key's groups: nothing to press before seeing them.
    this.search();
  }

  search(page = 1): void {
    this.page.set(page);
    this.loading.set(true);
    this.pending?.unsubscribe();
    this.pending = this.api.duplicates(this.key(), this.birthdayOnly(), page, PAGE_SIZE).subscribe({
      next: (p) => {
        this.groups.set(p.items);
        this.total.set(p.total);
        this.decisions.set(new Map(p.items.map((g) => [g.key, this.defaults(g, g.customers[0].id)])));
        this.openDetails.set(new Set());
        this.loading.set(false);
        this.searched.set(true);
      },
      error: (e) => {
        this.loading.set(false);
        this.notifier.error(e);
      },
    });
  }

  /** The survivor's value for every field, or the first merged customer's where the survivor has none (what the server does too). */
  private defaults(g: DuplicateGroup, survivorId: number, included?: Set<number>): Decision {
    const inc = included ?? new Set(g.customers.map((c) => c.id));
    const survivor = g.customers.find((c) => c.id === survivorId)!;
    const others = g.customers.filter((c) => c.id !== survivorId && inc.has(c.id));
    const fields = {} as Record<MergeField, number>;
    for (const f of MERGE_FIELDS) {
      fields[f] = !isEmpty(survivor[f]) ? survivorId : (others.find((c) => !isEmpty(c[f]))?.id ?? survivorId);
    }
    return { survivorId, included: inc, fields };
  }

  protected decision(g: DuplicateGroup): Decision {
    return this.decisions().get(g.key)!;
  }

  private update(g: DuplicateGroup, d: Decision): void {
    const next = new Map(this.decisions());
    next.set(g.key, d);
    this.decisions.set(next);
  }

  protected chooseSurvivor(g: DuplicateGroup, id: number): void {
    const d = this.decision(g);
    this.update(g, this.defaults(g, id, new Set([...d.included, id])));
  }

  protected toggleIncluded(g: DuplicateGroup, id: number, on: boolean): void {
    const d = this.decision(g);
    if (id === d.survivorId) return;
    const included = new Set(d.included);
    if (on) included.add(id);
    else included.delete(id);
    const fields = { ...d.fields };
    // A field taken from a customer no longer merged goes back to the survivor's.
    for (const f of MERGE_FIELDS) if (!included.has(fields[f])) fields[f] = d.survivorId;
    this.update(g, { ...d, included, fields });
  }

  protected chooseField(g: DuplicateGroup, field: MergeField, id: number): void {
    const d = this.decision(g);
    if (!d.included.has(id)) return;
    this.update(g, { ...d, fields: { ...d.fields, [field]: id } });
  }

  protected mergedCount(g: DuplicateGroup): number {
    const d = this.decision(g);
    return [...d.included].filter((id) => id !== d.survivorId).length;
  }

  protected toggleDetails(g: DuplicateGroup, id: number): void {
    const k = `${g.key}:${id}`;
    const next = new Set(this.openDetails());
    if (next.has(k)) next.delete(k);
    else next.add(k);
    this.openDetails.set(next);
  }

  protected detailsOpen(g: DuplicateGroup, id: number): boolean {
    return this.openDetails().has(`${g.key}:${id}`);
  }

  /** True when the customers hold different values for the field: the rows worth a look. */
  protected differs(g: DuplicateGroup, field: MergeField): boolean {
    return new Set(g.customers.map((c) => String(c[field] ?? ''))).size > 1;
  }

  protected value(c: Customer, field: MergeField): string {
    const v = c[field];
    if (isEmpty(v)) return '—';
    return String(v);
  }

  protected fieldLabel(field: MergeField): MessageKey {
    return field === 'withdrawnAt' ? 'customerMerge.field.withdrawnAt' : (`customer.${field}` as MessageKey);
  }

  protected valueKey(field: MergeField, v: unknown): MessageKey | null {
    if (field === 'registrationState' || field === 'listFlag')
      return `customer.${field}.${String(v)}` as MessageKey;
    return null;
  }

  protected keyLabel(key: DuplicateKey): MessageKey {
    return `customerMerge.key.${key}` as MessageKey;
  }

  protected relatedLabel(kind: keyof RelatedCounts): MessageKey {
    return `customerMerge.related.${kind}` as MessageKey;
  }

  protected name(c: Customer): string {
    return `${c.lastName} ${c.firstName ?? ''}`.trim();
  }

  merge(g: DuplicateGroup): void {
    const d = this.decision(g);
    const mergedIds = [...d.included].filter((id) => id !== d.survivorId);
    if (!mergedIds.length) return;
    const survivor = g.customers.find((c) => c.id === d.survivorId)!;
    const codes = g.customers
      .filter((c) => mergedIds.includes(c.id))
      .map((c) => c.code)
      .join('、');
    confirmAction(this.dialog, {
      title: 'customerMerge.confirmTitle',
      message: 'customerMerge.confirmMessage',
      params: { codes, survivor: `${survivor.code} ${this.name(survivor)}` },
      confirm: 'customerMerge.run',
    }).subscribe((ok) => {
      if (!ok) return;
      const fields: Partial<Record<MergeField, number>> = {};
      for (const f of MERGE_FIELDS) if (d.fields[f] !== d.survivorId) fields[f] = d.fields[f];
      this.merging.set(g.key);
      this.api.merge(d.survivorId, mergedIds, fields).subscribe({
        next: (after) => {
          this.merging.set(null);
          this.lastMerged.set(after);
          this.notifier.success('customerMerge.done', { code: after.code });
          this.search(this.page());
        },
        error: (e) => {
          this.merging.set(null);
          this.notifier.error(e);
        },
      });
    });
  }
}
