import { sql, type Kysely } from 'kysely';

/**
 * Benchmark split membership (e.g. the canonical Last.fm `train`/`test` pairs) as data, so a
 * trainer reads its train pairs from the database without the held-out pairs that `artist_plays`
 * also holds. `item_id` is `artists.id` or `tracks.id` by `item_kind`: no foreign key can span
 * both, so the importer validates every id; `line` keeps the source file's order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('interaction_splits')
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('split', 'text', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('weight', 'real', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('interaction_splits_pkey', ['dataset', 'split', 'item_kind', 'user_id', 'item_id'])
    .addCheckConstraint('interaction_splits_item_kind_check', sql`item_kind in ('artist', 'track')`)
    .execute();
  // Reads come back in file order; a line holds one pair, so (split, line) is unique.
  await db.schema
    .createIndex('interaction_splits_line_idx')
    .unique()
    .on('interaction_splits')
    .columns(['dataset', 'split', 'item_kind', 'line'])
    .execute();
  await db.schema.createIndex('interaction_splits_user_idx').on('interaction_splits').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('interaction_splits').ifExists().execute();
}
