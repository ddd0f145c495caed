/**
 * The planted structure is visible in the written data with simple statistics, and a trivial
 * personalised baseline beats global most-popular: the synthetic data is learnable.
 * Runs once on the `small` preset in PGlite (the statistics do not depend on the dialect; the
 * dialect loop is in generate-synthetic.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TunekitDb } from '@tunekit/data-access';
import { generateSynthetic } from './generate-synthetic';
import type { PlantedTruth } from './planted-truth';
import { CONTINUOUS_AUDIO_FEATURES } from './taxonomy';

interface Play {
  user: number;
  track: number;
  at: number;
}

let h: TunekitDb;
let truth: PlantedTruth;
let plays: Play[];
const trackGenre = new Map<number, string>();
const trackAudio = new Map<number, Record<string, number>>();
let trackStats: { listens: number; favorites: number; interest: number; comments: number; duration: number }[];
const userAge = new Map<number, number>();

beforeAll(async () => {
  h = await openDatabase('pglite:memory');
  truth = (await generateSynthetic(h.db, { preset: 'small', seed: 42 })).plantedTruth;
  const rows = await h.db.selectFrom('track_plays').select(['user_id', 'track_id', 'played_at']).execute();
  plays = rows.map((r) => ({ user: r.user_id, track: r.track_id, at: (r.played_at as Date).getTime() }));
  const genres = await h.db
    .selectFrom('track_genres')
    .innerJoin('genres', 'genres.id', 'track_genres.genre_id')
    .select(['track_id', 'genres.external_id'])
    .where('is_primary', '=', true)
    .execute();
  for (const g of genres) trackGenre.set(g.track_id, g.external_id);
  const audio = await h.db.selectFrom('audio_features').selectAll().execute();
  for (const a of audio) trackAudio.set(a.track_id, a as unknown as Record<string, number>);
  const stats = await h.db.selectFrom('tracks').select(['listens', 'favorites', 'interest', 'comments', 'duration_s']).execute();
  trackStats = stats.map((t) => ({ listens: t.listens ?? 0, favorites: t.favorites ?? 0, interest: t.interest ?? 0, comments: t.comments ?? 0, duration: t.duration_s ?? 0 }));
  for (const u of await h.db.selectFrom('users').select(['id', 'age']).execute()) userAge.set(u.id, u.age ?? 0);
});
afterAll(async () => {
  await h?.close();
});

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

function pearson(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  const cov = mean(x.map((v, i) => (v - mx) * (y[i]! - my)));
  return cov / Math.sqrt(mean(x.map((v) => (v - mx) ** 2)) * mean(y.map((v) => (v - my) ** 2)));
}

/** Solves the least-squares problem X b ≈ y by the normal equations (Gauss–Jordan, small k). */
function ols(X: number[][], y: number[]): number[] {
  const k = X[0]!.length;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  X.forEach((row, i) => {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) A[a]![b]! += row[a]! * row[b]!;
      A[a]![k]! += row[a]! * y[i]!;
    }
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let j = c; j <= k; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  return A.map((row, i) => row[k]! / row[i]!);
}

describe('planted structure of the small preset', () => {
  it('users concentrate their plays on their preferred genres, far above the base rate', () => {
    const genreShare = new Map<string, number>();
    for (const p of plays) genreShare.set(trackGenre.get(p.track)!, (genreShare.get(trackGenre.get(p.track)!) ?? 0) + 1 / plays.length);
    const byUser = new Map<number, string[]>();
    for (const p of plays) (byUser.get(p.user) ?? byUser.set(p.user, []).get(p.user)!).push(trackGenre.get(p.track)!);
    const lifts: number[] = [];
    for (const u of truth.users) {
      const gs = byUser.get(u.id)!;
      const preferred = new Set(u.preferredGenres);
      const share = gs.filter((g) => preferred.has(g)).length / gs.length;
      const base = u.preferredGenres.reduce((s, g) => s + (genreShare.get(g) ?? 0), 0);
      lifts.push(share / base);
    }
    // Planted: ~0.85 of taste plays (≥ 60% of all plays) go to preferred genres.
    expect(mean(lifts)).toBeGreaterThan(2.5);
    expect(lifts.filter((l) => l > 1).length / lifts.length).toBeGreaterThan(0.95);
  });

  it('recovers the genre audio means from the data', () => {
    const planted: Record<string, number[]> = {};
    const observedAll: Record<string, number[]> = {};
    for (const [genre, means] of Object.entries(truth.genreAudioMeans)) {
      const tracks = [...trackGenre].filter(([, g]) => g === genre).map(([t]) => trackAudio.get(t)!);
      if (tracks.length < 60) continue;
      for (const f of CONTINUOUS_AUDIO_FEATURES) {
        const observed = mean(tracks.map((a) => a[f]!));
        // Few artists per genre (each with its own offset) and clamping to [0, 1] leave a small error.
        const tol = f === 'tempo' ? 7 : 0.06;
        expect(Math.abs(observed - means[f]), `${genre}.${f}: observed ${observed} vs planted ${means[f]}`).toBeLessThan(tol);
        (planted[f] ??= []).push(means[f]);
        (observedAll[f] ??= []).push(observed);
      }
    }
    // Across genres, the observed means line up with the planted ones.
    for (const f of CONTINUOUS_AUDIO_FEATURES) expect(pearson(planted[f]!, observedAll[f]!), f).toBeGreaterThan(0.9);
  });

  it('recovers the listens formula by least squares, and listens correlate with favorites', () => {
    const L = truth.listensFormula;
    const X = trackStats.map((t) => [1, Math.log1p(t.favorites), Math.log1p(t.interest), Math.log1p(t.comments), Math.log(t.duration / L.referenceDurationS) ** 2]);
    const y = trackStats.map((t) => Math.log1p(t.listens));
    const [b0, bf, bi, bc, bd] = ols(X, y);
    expect(bf).toBeCloseTo(L.favorites, 1);
    expect(bi).toBeCloseTo(L.interest, 1);
    expect(bc).toBeCloseTo(L.comments, 1);
    expect(Math.abs(bd! - L.durationSquaredLogRatio)).toBeLessThan(0.15);
    expect(Math.abs(b0! - L.intercept)).toBeLessThan(0.5);
    const corr = pearson(X.map((r) => r[1]!), y);
    expect(corr).toBeGreaterThan(0.6);
  });

  it('played tracks sit closer to the user’s planted audio preference than to another user’s', () => {
    const features = truth.audioPreferenceFeatures;
    const prefById = new Map(truth.users.map((u) => [u.id, u.audioPreference]));
    const ids = truth.users.map((u) => u.id);
    let own = 0;
    let other = 0;
    for (const p of plays) {
      const a = trackAudio.get(p.track)!;
      const mine = prefById.get(p.user)!;
      const theirs = prefById.get(ids[(ids.indexOf(p.user) + 1) % ids.length]!)!;
      features.forEach((f, i) => {
        own += (a[f]! - mine[i]!) ** 2;
        other += (a[f]! - theirs[i]!) ** 2;
      });
    }
    expect(own / other).toBeLessThan(0.7);
  });

  it('demographics shift taste: young users play far more hip-hop, older users far more jazz/classical', () => {
    // Averaged over users (each user weighs the same), since play counts per user are heavy-tailed.
    const share = (pred: (age: number) => boolean, genres: string[]): number => {
      const perUser = new Map<number, [number, number]>();
      for (const p of plays) {
        if (!pred(userAge.get(p.user)!)) continue;
        const c = perUser.get(p.user) ?? perUser.set(p.user, [0, 0]).get(p.user)!;
        c[0] += genres.includes(trackGenre.get(p.track)!) ? 1 : 0;
        c[1] += 1;
      }
      return mean([...perUser.values()].map(([hit, all]) => hit / all));
    };
    expect(share((a) => a < 25, ['hip-hop'])).toBeGreaterThan(2 * share((a) => a >= 40, ['hip-hop']));
    expect(share((a) => a >= 40, ['jazz', 'classical'])).toBeGreaterThan(2 * share((a) => a < 25, ['jazz', 'classical']));
  });

  it('popularity is heavy-tailed: the top 10% of tracks take over 40% of plays', () => {
    const counts = new Map<number, number>();
    for (const p of plays) counts.set(p.track, (counts.get(p.track) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, Math.ceil(truth.sizes.tracks / 10)).reduce((s, c) => s + c, 0);
    expect(top / plays.length).toBeGreaterThan(0.4);
  });

  it('friendships are homophilous: friends share their top genre far more often than random pairs', async () => {
    const top = new Map(truth.users.map((u) => [u.id, u.preferredGenres[0]]));
    const friends = await h.db.selectFrom('friendships').select(['user_id', 'friend_id']).execute();
    const same = friends.filter((f) => top.get(f.user_id) === top.get(f.friend_id)).length / friends.length;
    const ids = truth.users.map((u) => u.id);
    let base = 0;
    let pairs = 0;
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++, pairs++) if (top.get(ids[i]!) === top.get(ids[j]!)) base++;
    expect(same).toBeGreaterThan(2 * (base / pairs));
  });

  it('playlists are genre-coherent and drawn from the owner’s preferred genres', async () => {
    const rows = await h.db.selectFrom('playlist_tracks').innerJoin('playlists', 'playlists.id', 'playlist_tracks.playlist_id').select(['playlist_id', 'track_id', 'playlists.user_id']).execute();
    expect(rows.length).toBeGreaterThan(1000);
    const prefById = new Map(truth.users.map((u) => [u.id, new Set(u.preferredGenres)]));
    const inPreferred = rows.filter((r) => prefById.get(r.user_id!)!.has(trackGenre.get(r.track_id)!)).length / rows.length;
    expect(inPreferred).toBeGreaterThan(0.95);
  });

  it('a trivial personalised baseline (top genre → its popular tracks) beats global most-popular on held-out plays', () => {
    const byUser = new Map<number, Play[]>();
    for (const p of plays) (byUser.get(p.user) ?? byUser.set(p.user, []).get(p.user)!).push(p);
    const train: Play[] = [];
    const test = new Map<number, Set<number>>();
    for (const [u, ps] of byUser) {
      ps.sort((a, b) => a.at - b.at);
      const cut = Math.floor(ps.length * 0.8);
      train.push(...ps.slice(0, cut));
      test.set(u, new Set(ps.slice(cut).map((p) => p.track)));
    }
    const popularity = new Map<number, number>();
    for (const p of train) popularity.set(p.track, (popularity.get(p.track) ?? 0) + 1);
    const ranked = [...popularity].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([t]) => t);
    const K = 10;
    const globalTop = ranked.slice(0, K);
    const genreTop = new Map<string, number[]>();
    for (const t of ranked) {
      const g = trackGenre.get(t)!;
      const list = genreTop.get(g) ?? genreTop.set(g, []).get(g)!;
      if (list.length < K) list.push(t);
    }
    const userTopGenre = new Map<number, string>();
    const userGenreCounts = new Map<number, Map<string, number>>();
    for (const p of train) {
      const m = userGenreCounts.get(p.user) ?? userGenreCounts.set(p.user, new Map()).get(p.user)!;
      const g = trackGenre.get(p.track)!;
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    for (const [u, m] of userGenreCounts) userTopGenre.set(u, [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]);
    const recall = (recs: (u: number) => number[]): number =>
      mean([...test].map(([u, held]) => recs(u).filter((t) => held.has(t)).length / Math.min(K, held.size)));
    const popular = recall(() => globalTop);
    const personal = recall((u) => genreTop.get(userTopGenre.get(u) ?? '') ?? globalTop);
    expect(personal).toBeGreaterThan(1.5 * popular);
    expect(personal - popular).toBeGreaterThan(0.03);
  });
});
