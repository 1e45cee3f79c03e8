import { Foundation1763900000000 } from './1763900000000-foundation';

/** Every migration, in order. Imported explicitly so the bundled server needs no glob. */
export const migrations = [Foundation1763900000000];
