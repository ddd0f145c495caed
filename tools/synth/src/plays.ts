import type { Rng } from '@tunekit/core';
import type { Catalogue } from './catalogue';
import { PREFERENCE_AUDIO_FEATURES } from './taxonomy';
import type { SynthUser } from './users';

/** The planted play model (see README, "Plays"). */
export const PLAY_MODEL = Object.freeze({
  /** Probability that a play is drawn from global popularity (∝ track weight), ignoring taste. */
  popularityShare: 0.2,
  /** Probability that a play repeats one of the user's earlier plays (uniformly over them). */
  repeatShare: 0.2,
  /** Candidates drawn ∝ popularity inside the chosen genre before audio re-weighting. */
  candidates: 12,
  /** Sharpness λ of the audio affinity exp(-λ·‖x_t − a_u‖²). */
  audioSharpness: 12,
  /** σ of the log-normal number of plays per user. */
  playsLogStd: 1,
  /** First and last instant of the play log. */
  logStart: '2015-01-01T00:00:00Z',
  logEnd: '2020-12-31T23:59:59Z',
});

const LOG_START = Date.parse(PLAY_MODEL.logStart);
const LOG_END = Date.parse(PLAY_MODEL.logEnd);

/** The plays of one user, in time order: track indexes and timestamps (ms, strictly increasing). */
export interface UserPlays {
  readonly tracks: Int32Array;
  readonly times: Float64Array;
}

/**
 * Draws the number of plays of a user: log-normal with mean `mean` (σ = 1), at least 3, at most 50 × mean.
 */
export function drawPlayCount(rng: Rng, mean: number): number {
  const s = PLAY_MODEL.playsLogStd;
  const mu = Math.log(mean) - (s * s) / 2;
  return Math.max(3, Math.min(Math.round(50 * mean), Math.round(Math.exp(mu + s * rng.normal()))));
}

/**
 * Draws the plays of `user`: each play is popularity (p = 0.2), a repeat (p = 0.2, when the
 * user has history) or taste: genre g ~ θ_u, then `candidates` tracks of g ∝ popularity,
 * one of them chosen ∝ exp(-λ‖x_t − a_u‖²). Timestamps are uniform in the user's window, sorted.
 */
export function drawUserPlays(rng: Rng, cat: Catalogue, user: SynthUser, count: number): UserPlays {
  const tracks = new Int32Array(count);
  const pref = user.audioPreference;
  const weights = new Float64Array(PLAY_MODEL.candidates);
  const cands = new Int32Array(PLAY_MODEL.candidates);
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    if (r < PLAY_MODEL.popularityShare) {
      tracks[i] = cat.globalSampler.draw(rng);
      continue;
    }
    if (i > 0 && r < PLAY_MODEL.popularityShare + PLAY_MODEL.repeatShare) {
      tracks[i] = tracks[rng.int(i)] as number;
      continue;
    }
    tracks[i] = drawTasteTrack(rng, cat, rng.weightedIndex(user.genreWeights), pref, cands, weights);
  }
  const start = Math.max(LOG_START, user.signupMs);
  const span = LOG_END - start;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = start + Math.floor(rng.next() * (span / 1000)) * 1000;
  times.sort();
  for (let i = 1; i < count; i++) if ((times[i] as number) <= (times[i - 1] as number)) times[i] = (times[i - 1] as number) + 1000;
  return { tracks, times };
}

/**
 * One taste draw inside genre `g`: `cands.length` candidates ∝ popularity, one chosen
 * ∝ exp(-λ‖x_t − pref‖²). Falls back to global popularity when the genre has no track.
 * `cands` and `weights` are scratch buffers of equal length.
 */
export function drawTasteTrack(rng: Rng, cat: Catalogue, g: number, pref: readonly number[], cands: Int32Array, weights: Float64Array): number {
  const sampler = cat.genreSamplers[g];
  const list = cat.genreTracks[g];
  if (!sampler || !list) return cat.globalSampler.draw(rng);
  const p = PREFERENCE_AUDIO_FEATURES.length;
  let total = 0;
  for (let c = 0; c < cands.length; c++) {
    const t = list[sampler.draw(rng)] as number;
    cands[c] = t;
    let d2 = 0;
    for (let f = 0; f < p; f++) {
      const d = (cat.trackPrefAudio[t * p + f] as number) - (pref[f] as number);
      d2 += d * d;
    }
    const w = Math.exp(-PLAY_MODEL.audioSharpness * d2);
    weights[c] = w;
    total += w;
  }
  let u = rng.next() * total;
  for (let c = 0; c < cands.length; c++) {
    u -= weights[c] as number;
    if (u < 0) return cands[c] as number;
  }
  return cands[cands.length - 1] as number;
}

/** A user's playlist: a name and distinct track indexes in order. */
export interface PlaylistDraw {
  readonly name: string;
  readonly genre: number;
  readonly tracks: readonly number[];
}

/**
 * Draws a user's playlists: with p 0.5 none, else 1–3 playlists, each of one preferred genre
 * with 10–30 distinct tracks drawn by {@link drawTasteTrack} (so playlists are genre- and
 * audio-coherent co-occurrences).
 */
export function drawUserPlaylists(rng: Rng, cat: Catalogue, user: SynthUser, genreTitle: (g: number) => string): PlaylistDraw[] {
  if (rng.bernoulli(0.5)) return [];
  const out: PlaylistDraw[] = [];
  const cands = new Int32Array(PLAY_MODEL.candidates);
  const weights = new Float64Array(PLAY_MODEL.candidates);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const g = rng.choice(user.preferredGenres);
    const size = Math.min(10 + rng.int(21), cat.genreTracks[g]?.length ?? 0);
    const seen = new Set<number>();
    for (let attempt = 0; seen.size < size && attempt < size * 10; attempt++) seen.add(drawTasteTrack(rng, cat, g, user.audioPreference, cands, weights));
    if (seen.size > 0) out.push({ name: `${genreTitle(g)} mix ${i + 1}`, genre: g, tracks: [...seen] });
  }
  return out;
}
