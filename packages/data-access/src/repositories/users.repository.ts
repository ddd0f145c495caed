import type { UserProfile } from '@tunekit/core';
import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/**
 * User profiles (age, gender, country, signup date; any may be null), ordered by id.
 *
 * @param db - open database
 * @param options.source - e.g. `lastfm-360k`
 * @returns one {@link UserProfile} per user
 * @example
 * ```ts
 * const profiles = await getUserProfiles(db, { source: 'lastfm-360k' }); // 1,000
 * ```
 */
export async function getUserProfiles(db: Kysely<TunekitDatabase>, options: { source?: string } = {}): Promise<UserProfile[]> {
  let q = db.selectFrom('users').select(['id', 'age', 'gender', 'country', 'signup_date']).orderBy('id');
  if (options.source !== undefined) q = q.where('source', '=', options.source);
  const rows = await q.execute();
  return rows.map((r) => ({
    userId: r.id,
    age: r.age,
    gender: r.gender,
    country: r.country,
    signupDate: r.signup_date === null ? null : new Date(`${toIsoDay(r.signup_date)}T00:00:00Z`),
  }));
}

/** PGlite returns `date` as Date, pg as a string: normalise to `YYYY-MM-DD`. */
function toIsoDay(v: string | Date): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : v;
}

/**
 * Friendship pairs (directed, as stored), ordered by (user, friend).
 *
 * @param db - open database
 * @param options.source - users' source
 * @returns userIds int32 [n], friendIds int32 [n]
 * @example
 * ```ts
 * const { userIds, friendIds } = await getFriendships(db, { source: 'lastfm-2k' });
 * ```
 */
export async function getFriendships(db: Kysely<TunekitDatabase>, options: { source?: string } = {}): Promise<{ userIds: Int32Array; friendIds: Int32Array }> {
  let q = db.selectFrom('friendships as f').innerJoin('users as u', 'u.id', 'f.user_id').select(['f.user_id', 'f.friend_id']).orderBy('f.user_id').orderBy('f.friend_id');
  if (options.source !== undefined) q = q.where('u.source', '=', options.source);
  const rows = await q.execute();
  return { userIds: Int32Array.from(rows, (r) => r.user_id), friendIds: Int32Array.from(rows, (r) => r.friend_id) };
}
