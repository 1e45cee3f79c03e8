import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';

import { readApiError } from '../api/api-error';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

export type PortalAccessState = 'none' | 'invited' | 'active' | 'disabled';

/** A customer's MYPAGE access as the karte shows it (`GET /api/customers/:id/portal-access`). */
export interface PortalAccess {
  customerId: number;
  state: PortalAccessState;
  email: string | null;
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  verifiedAt: string | null;
  lastLoginAt: string | null;
  disabledAt: string | null;
  withdrawalRequestedAt?: string | null;
}

const STATE_LABELS: Record<PortalAccessState, MessageKey> = {
  none: 'mypage.access.none',
  invited: 'mypage.access.invited',
  active: 'mypage.access.active',
  disabled: 'mypage.access.disabled',
};

/**
 * MYPAGE on the karte (the `mypage` right): whether the customer can sign in to the portal, the
 * invitation mail (a one-time link, 72 h) and, for a customer who should no longer get in,
 * 「利用停止」, which ends their open sessions at once.
 */
@Component({
  selector: 'mg-customer-mypage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, TranslatePipe, DateTimePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'mypage.access.title' | t }}</h3>
    </div>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="customer-mypage-error">{{ error }}</p>
    } @else if (access.value(); as a) {
      <p data-testid="customer-mypage-state" [attr.data-state]="a.state">
        <strong>{{ stateLabels[a.state] | t }}</strong>
        @if (a.email) {
          ・ {{ a.email }}
        }
        @if (a.state === 'invited' && a.invitationExpiresAt) {
          ・ {{ 'mypage.access.expires' | t: { at: (a.invitationExpiresAt | dateTime) } }}
        }
        @if (a.lastLoginAt) {
          ・ {{ 'mypage.access.lastLogin' | t: { at: (a.lastLoginAt | dateTime) } }}
        }
        @if (a.state === 'disabled' && a.disabledAt) {
          ・ {{ 'mypage.access.disabledAt' | t: { at: (a.disabledAt | dateTime) } }}
        }
      </p>
      @if (a.withdrawalRequestedAt) {
        <p class="warn" data-testid="customer-mypage-withdrawal">{{ 'mypage.access.withdrawal' | t: { at: (a.withdrawalRequestedAt | dateTime) } }}</p>
      }
      @if (!hasEmail()) {
        <p class="muted" data-testid="customer-mypage-no-email">{{ 'mypage.access.noEmail' | t }}</p>
      }
      @if (actionError(); as error) {
        <p class="error-text" role="alert" data-testid="customer-mypage-action-error">{{ error }}</p>
      }
      <div class="actions">
        @if (a.state === 'none' || a.state === 'invited') {
          <button mat-stroked-button type="button" (click)="invite()" [disabled]="busy() || !hasEmail()" data-testid="customer-mypage-invite">
            {{ (a.state === 'none' ? 'mypage.access.invite' : 'mypage.access.reinvite') | t }}
          </button>
        }
        @if (a.state === 'active' || a.state === 'invited') {
          <button mat-stroked-button type="button" class="danger" (click)="setEnabled(false)" [disabled]="busy()" data-testid="customer-mypage-disable">
            {{ 'mypage.access.disable' | t }}
          </button>
        }
        @if (a.state === 'disabled') {
          <button mat-stroked-button type="button" (click)="setEnabled(true)" [disabled]="busy()" data-testid="customer-mypage-enable">
            {{ 'mypage.access.enable' | t }}
          </button>
        }
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 24px;
    }
    .section-header {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    h3 {
      margin: 0;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .warn {
      color: var(--mat-sys-error);
    }
  `,
})
export class CustomerMypage {
  private readonly http = inject(HttpClient);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);
  readonly customerId = input.required<number>();
  /** Whether the customer has an email address (the invitation goes there). */
  readonly hasEmail = input(true);

  protected readonly stateLabels = STATE_LABELS;
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly access = rxResource({
    params: () => this.customerId(),
    stream: ({ params }) => this.http.get<PortalAccess>(`/api/customers/${params}/portal-access`),
  });
  protected readonly loadError = computed(() => {
    const error = this.access.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  protected invite(): void {
    const a = this.access.value();
    if (!a) return;
    confirmAction(this.dialog, {
      title: 'mypage.access.inviteTitle',
      message: 'mypage.access.inviteConfirm',
      params: { email: a.email ?? '' },
      confirm: 'mypage.access.inviteSend',
    }).subscribe((ok) => {
      if (!ok) return;
      this.run(this.http.post<PortalAccess>(`/api/customers/${this.customerId()}/portal-invitation`, {}), 'mypage.access.invited.done');
    });
  }

  protected setEnabled(enabled: boolean): void {
    const go = () => this.run(this.http.put<PortalAccess>(`/api/customers/${this.customerId()}/portal-access`, { enabled }), enabled ? 'mypage.access.enabled.done' : 'mypage.access.disabled.done');
    if (enabled) return go();
    confirmAction(this.dialog, { title: 'mypage.access.disable', message: 'mypage.access.disableConfirm', confirm: 'mypage.access.disable' }).subscribe((ok) => ok && go());
  }

  private run(request: ReturnType<HttpClient['get']>, done: MessageKey): void {
    this.busy.set(true);
    this.actionError.set(null);
    request.subscribe({
      next: (a) => {
        this.busy.set(false);
        this.access.set(a as PortalAccess);
        this.notifier.success(done);
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.actionError.set(this.notifier.describe(readApiError(error)));
      },
    });
  }
}
