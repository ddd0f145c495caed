import { sql, type Kysely } from 'kysely';

/**
 * The initial schema. Migrations are append-only: never edit one that has shipped; add a new file
 * and register it in `migrations/index.ts`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const entity = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'serial', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addUniqueConstraint(`${name}_source_external_id_key`, ['source', 'external_id']);

  await entity('artists')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('popularity', 'real')
    .addColumn('extra', 'jsonb')
    .execute();

  await entity('albums')
    .addColumn('title', 'text')
    .addColumn('artist_id', 'integer', (c) => c.references('artists.id').onDelete('set null'))
    .addColumn('date_created', 'timestamptz')
    .addColumn('year_released', 'integer')
    .addColumn('listens', 'bigint')
    .addColumn('favorites', 'integer')
    .addColumn('comments', 'integer')
    .addColumn('track_count', 'integer')
    .addColumn('album_type', 'text')
    .addColumn('extra', 'jsonb')
    .execute();

  await entity('tracks')
    .addColumn('title', 'text')
    .addColumn('artist_id', 'integer', (c) => c.references('artists.id').onDelete('set null'))
    .addColumn('album_id', 'integer', (c) => c.references('albums.id').onDelete('set null'))
    .addColumn('duration_s', 'double precision')
    .addColumn('track_number', 'integer')
    .addColumn('disc_number', 'integer')
    .addColumn('listens', 'bigint')
    .addColumn('favorites', 'integer')
    .addColumn('interest', 'integer')
    .addColumn('comments', 'integer')
    .addColumn('date_created', 'timestamptz')
    .addColumn('year_created', 'integer')
    .addColumn('release_year', 'integer')
    .addColumn('release_date', 'date')
    .addColumn('explicit', 'boolean')
    .addColumn('popularity', 'real')
    .addColumn('bit_rate', 'integer')
    .addColumn('language', 'text')
    .addColumn('extra', 'jsonb')
    .execute();
  await db.schema.createIndex('tracks_artist_id_idx').on('tracks').column('artist_id').execute();

  await db.schema
    .createTable('track_artists')
    .addColumn('track_id', 'integer', (c) => c.notNull().references('tracks.id').onDelete('cascade'))
    .addColumn('artist_id', 'integer', (c) => c.notNull().references('artists.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('track_artists_pkey', ['track_id', 'artist_id'])
    .execute();
  await db.schema.createIndex('track_artists_artist_idx').on('track_artists').column('artist_id').execute();

  await entity('genres')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('genres.id').onDelete('set null'))
    .addColumn('top_level_id', 'integer', (c) => c.references('genres.id').onDelete('set null'))
    .addColumn('track_count', 'integer')
    .execute();

  await db.schema
    .createTable('track_genres')
    .addColumn('track_id', 'integer', (c) => c.notNull().references('tracks.id').onDelete('cascade'))
    .addColumn('genre_id', 'integer', (c) => c.notNull().references('genres.id').onDelete('cascade'))
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('track_genres_pkey', ['track_id', 'genre_id'])
    .execute();
  await db.schema.createIndex('track_genres_genre_idx').on('track_genres').column('genre_id').execute();

  await db.schema
    .createTable('artist_genres')
    .addColumn('artist_id', 'integer', (c) => c.notNull().references('artists.id').onDelete('cascade'))
    .addColumn('genre_id', 'integer', (c) => c.notNull().references('genres.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('artist_genres_pkey', ['artist_id', 'genre_id'])
    .execute();

  await entity('tags').addColumn('name', 'text', (c) => c.notNull()).execute();

  await entity('users')
    .addColumn('age', 'real')
    .addColumn('gender', 'text')
    .addColumn('country', 'text')
    .addColumn('signup_date', 'date')
    .execute();

  await db.schema
    .createTable('tag_assignments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('artist_id', 'integer', (c) => c.references('artists.id').onDelete('cascade'))
    .addColumn('track_id', 'integer', (c) => c.references('tracks.id').onDelete('cascade'))
    .addColumn('tagged_on', 'date')
    .execute();
  await sql`CREATE UNIQUE INDEX tag_assignments_natural_key ON tag_assignments
    (tag_id, user_id, artist_id, track_id, tagged_on) NULLS NOT DISTINCT`.execute(db);
  await db.schema.createIndex('tag_assignments_artist_idx').on('tag_assignments').column('artist_id').execute();

  await db.schema
    .createTable('audio_features')
    .addColumn('track_id', 'integer', (c) => c.primaryKey().references('tracks.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('acousticness', 'double precision')
    .addColumn('danceability', 'double precision')
    .addColumn('energy', 'double precision')
    .addColumn('instrumentalness', 'double precision')
    .addColumn('liveness', 'double precision')
    .addColumn('speechiness', 'double precision')
    .addColumn('tempo', 'double precision')
    .addColumn('valence', 'double precision')
    .addColumn('loudness', 'double precision')
    .addColumn('key', 'integer')
    .addColumn('mode', 'integer')
    .addColumn('time_signature', 'integer')
    .execute();

  for (const [table, item] of [
    ['track_plays', 'track'],
    ['artist_plays', 'artist'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn(`${item}_id`, 'integer', (c) => c.notNull().references(`${item}s.id`).onDelete('cascade'))
      .addColumn('play_count', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('played_at', 'timestamptz')
      .execute();
    await sql`CREATE UNIQUE INDEX ${sql.raw(`${table}_natural_key`)} ON ${sql.table(table)}
      (user_id, ${sql.ref(`${item}_id`)}, played_at) NULLS NOT DISTINCT`.execute(db);
    await db.schema.createIndex(`${table}_item_idx`).on(table).column(`${item}_id`).execute();
  }

  await db.schema
    .createTable('friendships')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('friend_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('friendships_pkey', ['user_id', 'friend_id'])
    .execute();

  await entity('playlists')
    .addColumn('name', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createTable('playlist_tracks')
    .addColumn('playlist_id', 'integer', (c) => c.notNull().references('playlists.id').onDelete('cascade'))
    .addColumn('track_id', 'integer', (c) => c.notNull().references('tracks.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('playlist_tracks_pkey', ['playlist_id', 'position'])
    .execute();

  await db.schema
    .createTable('dataset_imports')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('rows_imported', 'integer', (c) => c.notNull())
    .addColumn('rows_skipped', 'integer', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('dataset_imports_key', ['dataset', 'file', 'checksum'])
    .execute();

  await db.schema
    .createTable('model_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('metrics', 'jsonb')
    .addColumn('artifact_dir', 'text')
    .addColumn('data_hash', 'text')
    .addColumn('git_sha', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('run_metrics')
    .addColumn('run_id', 'text', (c) => c.notNull().references('model_runs.id').onDelete('cascade'))
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_metrics_pkey', ['run_id', 'epoch', 'name'])
    .execute();

  await db.schema
    .createTable('evaluation_results')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('evaluation', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('item_embeddings')
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('vector', sql`real[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('item_embeddings_pkey', ['model_name', 'item_kind', 'item_id'])
    .execute();

  await db.schema
    .createTable('enrichment_progress')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('track_id', 'integer', (c) => c.notNull().references('tracks.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('payload', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('enrichment_progress_pkey', ['provider', 'track_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'enrichment_progress', 'item_embeddings', 'evaluation_results', 'run_metrics', 'model_runs',
    'dataset_imports', 'playlist_tracks', 'playlists', 'friendships', 'artist_plays', 'track_plays',
    'audio_features', 'tag_assignments', 'users', 'tags', 'artist_genres', 'track_genres', 'genres',
    'track_artists', 'tracks', 'albums', 'artists',
  ]) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
