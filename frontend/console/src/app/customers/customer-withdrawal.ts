import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatTooltipModule } from '@angular/material/tooltip';
import { filter, switchMap, tap } from 'rxjs';

import { CustomerVisitsApi } from '../api/customer-visits-api';
import type { Customer } from '../api/customers-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fullName } from './customer-labels';

/**
 * 退会 on the karte: the 「退会済み」 badge while the customer is withdrawn, and 退会 / 再入会
 * (asking first) for those who may change customers. The mark is kept here, so the karte's
 * form is not reloaded (and unsaved edits are not lost) when it changes.
 */
@Component({
  selector: 'mg-customer-withdrawal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTooltipModule, TranslatePipe, DateTimePipe],
  template: `
    @if (withdrawnAt(); as at) {
      <span
        class="badge"
        data-testid="customer-withdrawn-badge"
        [matTooltip]="'withdrawal.since' | t: { at: (at | dateTime) }"
      >
        {{ 'withdrawal.badge' | t }}
      </span>
    }
    @if (canWrite()) {
      @if (withdrawnAt()) {
        <button
          mat-stroked-button
          type="button"
          (click)="reinstate()"
          [disabled]="busy()"
          data-testid="customer-reinstate"
        >
          {{ 'withdrawal.reinstate' | t }}
        </button>
      } @else {
        <button
          mat-stroked-button
          type="button"
          class="danger"
          (click)="withdraw()"
          [disabled]="busy()"
          data-testid="customer-withdraw"
        >
          {{ 'withdrawal.withdraw' | t }}
        </button>
      }
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 8px;
    }
    .badge {
      padding: 2px 10px;
      border-radius: 12px;
      font: var(--mat-sys-label-large);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
      white-space: nowrap;
    }
  `,
})
export class CustomerWithdrawal {
  private readonly api = inject(CustomerVisitsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(Session);
  readonly customer = input.required<Customer>();

  protected readonly withdrawnAt = linkedSignal(() => this.customer().withdrawnAt ?? null);
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly busy = signal(false);

  protected withdraw(): void {
    this.change('withdraw');
  }

  protected reinstate(): void {
    this.change('reinstate');
  }

  private change(action: 'withdraw' | 'reinstate'): void {
    const c = this.customer();
    const withdraw = action === 'withdraw';
    confirmAction(this.dialog, {
      title: withdraw ? 'withdrawal.withdrawTitle' : 'withdrawal.reinstateTitle',
      message: withdraw ? 'withdrawal.withdrawConfirm' : 'withdrawal.reinstateConfirm',
      params: { code: c.code, name: fullName(c.lastName, c.firstName) },
      confirm: withdraw ? 'withdrawal.withdraw' : 'withdrawal.reinstate',
    })
      .pipe(
        filter(Boolean),
        tap(() => this.busy.set(true)),
        switchMap(() => (withdraw ? this.api.withdraw(c.id, null) : this.api.reinstate(c.id))),
      )
      .subscribe({
        next: (saved) => {
          this.busy.set(false);
          this.withdrawnAt.set(saved.withdrawnAt ?? null);
          this.notifier.success(withdraw ? 'withdrawal.withdrawn' : 'withdrawal.reinstated');
        },
        error: (error: unknown) => {
          this.busy.set(false);
          this.notifier.error(error);
        },
      });
  }
}
