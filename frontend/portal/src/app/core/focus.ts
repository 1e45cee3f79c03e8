/**
 * Moves the focus to an element that the change just made shows (a confirmation heading), after
 * the next render, so keyboard and screen-reader users land on what happened.
 */
export function focusSoon(target: () => HTMLElement | undefined): void {
  setTimeout(() => target()?.focus(), 0);
}
