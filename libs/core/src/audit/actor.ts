/** Who is doing something: a staff user, or the system itself (intake, bootstrap, schedulers). */
export interface Actor {
  userId: number | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system' };
