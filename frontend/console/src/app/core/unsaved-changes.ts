import { DestroyRef, Injectable, inject } from '@angular/core';
import { MatDialog, MatDialogRef } from '@angular/material/dialog';
import type { CanDeactivateFn, Route, Routes } from '@angular/router';
import { Observable, of } from 'rxjs';

import { confirmAction } from './confirm-dialog';

/**
 * 未保存の変更: every form with text the user could lose (a half-written reply, a comment, a
 * customer's edits, a rule dialog) says so here while it is dirty. Leaving the page (a link, Back,
 * a reload or closing the tab) or closing the dialog by Esc or the backdrop then asks first.
 */
@Injectable({ providedIn: 'root' })
export class UnsavedChanges {
  private readonly dialog = inject(MatDialog);
  private readonly checks = new Set<() => boolean>();
  private asking: Observable<boolean> | null = null;

  constructor() {
    window.addEventListener('beforeunload', (e) => {
      if (this.any()) {
        e.preventDefault();
        // Older browsers need a returnValue to show their own "leave the page?" question.
        e.returnValue = '';
      }
    });
  }

  /** Registers a check for as long as the calling component lives. */
  watch(isDirty: () => boolean, destroyRef: DestroyRef = inject(DestroyRef)): void {
    this.checks.add(isDirty);
    destroyRef.onDestroy(() => this.checks.delete(isDirty));
  }

  any(): boolean {
    return [...this.checks].some((check) => check());
  }

  /** true to go on: nothing unsaved, or the user chose to discard it. */
  confirmDiscard(): Observable<boolean> {
    if (!this.any()) {
      return of(true);
    }
    this.asking ??= confirmAction(this.dialog, {
      title: 'unsaved.title',
      message: 'unsaved.message',
      confirm: 'unsaved.discard',
    });
    const asking = this.asking;
    asking.subscribe({ complete: () => (this.asking = null) });
    return asking;
  }

  /**
   * A dialog with a form: Esc and the backdrop close it at once while nothing was typed, and
   * ask first when something was. (Its own Cancel button closes it as before.)
   */
  guardDialog(ref: MatDialogRef<unknown>, isDirty: () => boolean): void {
    ref.disableClose = true;
    const ask = () => {
      if (!isDirty()) {
        ref.close();
        return;
      }
      confirmAction(this.dialog, { title: 'unsaved.title', message: 'unsaved.message', confirm: 'unsaved.discard' }).subscribe((discard) => {
        if (discard) {
          ref.close();
        }
      });
    };
    ref.backdropClick().subscribe(ask);
    ref.keydownEvents().subscribe((e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        ask();
      }
    });
  }
}

/** The one guard: asks before leaving a page while any form on it holds unsaved changes. */
export const unsavedChangesGuard: CanDeactivateFn<unknown> = () => inject(UnsavedChanges).confirmDiscard();

/** The routes with the guard on every page route, also inside lazily loaded children. */
export function guardUnsaved(routes: Routes): Routes {
  return routes.map((route): Route => {
    const guarded: Route = { ...route };
    if (route.component || route.loadComponent) {
      guarded.canDeactivate = [...(route.canDeactivate ?? []), unsavedChangesGuard];
    }
    if (route.children) {
      guarded.children = guardUnsaved(route.children);
    }
    if (route.loadChildren) {
      const load = route.loadChildren;
      guarded.loadChildren = () =>
        Promise.resolve(load() as Promise<Routes> | Routes).then((children) =>
          Array.isArray(children) ? guardUnsaved(children) : children,
        );
    }
    return guarded;
  });
}
