import type { Migration } from 'kysely/migration';
import * as m0001 from './0001-initial';

/** All migrations, in order. Static imports (no folder scan) so bundles and tests see the same set. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': m0001,
});
