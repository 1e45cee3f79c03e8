import { Injectable, inject } from '@angular/core';
import { Observable, tap } from 'rxjs';

import { AutomationApi, type Folder } from '../api/automation-api';
import { Notifier } from '../core/notifier';

/** Moves tickets into a folder (or back to the top level) and says so, from a menu or a drop. */
@Injectable({ providedIn: 'root' })
export class TicketMover {
  private readonly api = inject(AutomationApi);
  private readonly notifier = inject(Notifier);

  /** `folder` null: the mailbox's top level (受信箱). Errors are shown here and passed on. */
  move(
    ticketIds: readonly number[],
    folder: Folder | null,
    topLevelName: string,
  ): Observable<{ moved: number }> {
    return this.api.moveTickets([...ticketIds], folder?.id ?? null).pipe(
      tap({
        next: ({ moved }) =>
          this.notifier.success('folders.moved', { count: moved, folder: folder?.name ?? topLevelName }),
        error: (error: unknown) => this.notifier.error(error),
      }),
    );
  }
}
