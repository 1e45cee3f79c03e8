import { Foundation1763900000000 } from './1763900000000-foundation';
import { Email1763900000001 } from './1763900000001-email';

/** Every migration, in order. Imported explicitly so the bundled server needs no glob. */
export const migrations = [Foundation1763900000000, Email1763900000001];
