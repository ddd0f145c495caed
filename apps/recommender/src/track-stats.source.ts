import { isAbsolute, join } from 'node:path';
import { findTrackStats, openDatabase, parseDatabaseUrl, redact, resolveDatabaseUrl, type TunekitDb } from '@tunekit/data-access';
import type { ListensInputRow } from '@tunekit/models';
import { RecommenderError } from './recommender.error';

/** One track's statistics as stored (the listens model's inputs plus the observed listens). */
export type StoredTrackStats = ListensInputRow & { id: number; external_id: string; listens: number | null };

/** Where GET /tracks/:id/listens and the predict-listens command read a track's features. */
export interface TrackStatsSource {
  /** Human-readable, password-free description (for messages). */
  readonly description: string;
  /**
   * The track's statistics, or undefined when there is no track with this id.
   * @throws RecommenderError `DATABASE_UNAVAILABLE` when the database cannot be opened
   */
  find(id: number): Promise<StoredTrackStats | undefined>;
  close(): Promise<void>;
}

/**
 * A {@link TrackStatsSource} over the tunekit database, opened on first use (so a server whose
 * listens endpoint is never called never takes the embedded database's lock).
 *
 * @param url - database URL; null = `DATABASE_URL`, else the embedded PGlite default
 * @param workspaceRoot - base of a relative `pglite:` path
 * @example
 * ```ts
 * const tracks = databaseTrackSource('pglite:artifacts/db/tunekit', process.cwd());
 * const row = await tracks.find(123);
 * ```
 */
export function databaseTrackSource(url: string | null, workspaceRoot: string): TrackStatsSource {
  const resolved = resolveDatabaseUrl(url ?? undefined);
  // A relative embedded path is relative to the workspace root, as for the trainer.
  const target = parseDatabaseUrl(resolved);
  const absolute = target.kind === 'pglite' && target.path !== null && !isAbsolute(target.path) ? `pglite:${join(workspaceRoot, target.path)}` : resolved;
  let opening: Promise<TunekitDb> | null = null;
  const description = redact(absolute);
  const db = (): Promise<TunekitDb> => {
    opening ??= openDatabase(absolute, { migrate: false }).catch((e: unknown) => {
      opening = null;
      throw new RecommenderError('DATABASE_UNAVAILABLE', `cannot open the database ${description}: ${(e as Error).message}`, { cause: e, context: { database: description } });
    });
    return opening;
  };
  return {
    description,
    async find(id) {
      const { db: k } = await db();
      try {
        return (await findTrackStats(k, id)) as StoredTrackStats | undefined;
      } catch (e) {
        // e.g. `relation "tracks" does not exist` on a database nothing was imported into
        throw new RecommenderError('DATABASE_UNAVAILABLE', `cannot read tracks from ${description}: ${(e as Error).message}. Import data first (the trainer loads its dataset, e.g. nx run trainer:train --configuration=listens-fma) or point --database / DATABASE_URL at a populated database.`, {
          cause: e,
          context: { database: description },
        });
      }
    },
    async close() {
      if (!opening) return;
      const open = await opening.catch(() => null);
      opening = null;
      await open?.close();
    },
  };
}
