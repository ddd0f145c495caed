import type { Migration } from 'kysely/migration';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-interaction-splits';

/** All migrations, in order. Static imports (no folder scan) so bundles and tests see the same set. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': m0001,
  '0002-interaction-splits': m0002,
});
