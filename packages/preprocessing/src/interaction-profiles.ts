import type { Columns } from './columns';
import { PreprocessingError } from './errors';

/** Inputs of {@link userProfileColumns}: who played what, and what the items are. */
export interface InteractionProfileInput {
  /** int32 [nUsers + 1]: CSR row pointers of each user's items. */
  readonly userPtr: Int32Array;
  /** int32 [pairs]: item index of each (user, item) pair, grouped by user. */
  readonly userItems: Int32Array;
  /** float32 [pairs]: play count of each pair (default 1 each). */
  readonly weights?: Float32Array;
  /** Number of items (bounds of `userItems`). */
  readonly nItems: number;
  /** Main genre (or top tag) of each item [nItems]; null = unknown. */
  readonly itemGenre?: readonly (string | null)[];
  /** Audio features of the items: float32 [nItems · names.length], NaN = unknown. */
  readonly itemAudio?: { readonly names: readonly string[]; readonly values: Float32Array };
}

/**
 * Per-user profile columns derived from a user's plays, ready for a feature spec
 * (`featureSpec({ features: [...] }).fit(columns)`): listening volume, genre diversity, top genre
 * and the average audio profile of what the user plays. Computed from the TRAINING interactions
 * only, so nothing leaks from held-out plays.
 *
 * Columns (each [nUsers]):
 * - `plays` — total play count (Σ weights); `items` — distinct items played;
 * - `genre_entropy` — Shannon entropy (nats) of the play-weighted genre distribution (0 for one
 *   genre; NaN when no played item has a known genre); `top_genre` — the most played genre
 *   (ties: lexicographically first), null when unknown;
 * - `audio_<name>` — play-weighted mean of each audio feature over played items where it is known
 *   (NaN when none is; a spec's `impute:median` fills it).
 *
 * @param input - {@link InteractionProfileInput}
 * @returns named columns, one row per user
 * @throws PreprocessingError `INVALID_ARGUMENT` when arrays disagree in length or an item index is out of range
 * @example
 * ```ts
 * const cols = userProfileColumns({ userPtr: Int32Array.of(0, 2), userItems: Int32Array.of(0, 1), nItems: 2, itemGenre: ['rock', 'jazz'] });
 * cols['genre_entropy']; // [ln 2]
 * ```
 */
export function userProfileColumns(input: InteractionProfileInput): Columns {
  const { userPtr, userItems, nItems } = input;
  const nUsers = userPtr.length - 1;
  const bad = (what: string, detail: string): PreprocessingError =>
    new PreprocessingError('INVALID_ARGUMENT', `userProfileColumns: ${what} ${detail}.`, { context: { what, nUsers, nItems, pairs: userItems.length } });
  if (nUsers < 0 || userPtr[nUsers] !== userItems.length) throw bad('userPtr', `must end at userItems.length (${userItems.length}), ends at ${userPtr[nUsers] ?? 'nothing'}`);
  if (input.weights && input.weights.length !== userItems.length) throw bad('weights', `has ${input.weights.length} values for ${userItems.length} pairs`);
  if (input.itemGenre && input.itemGenre.length !== nItems) throw bad('itemGenre', `has ${input.itemGenre.length} values for ${nItems} items`);
  const audio = input.itemAudio;
  const A = audio?.names.length ?? 0;
  if (audio && audio.values.length !== nItems * A) throw bad('itemAudio.values', `has ${audio.values.length} values, expected ${nItems} items × ${A} features`);
  for (let k = 0; k < userItems.length; k++) {
    const i = userItems[k]!;
    if (!(i >= 0 && i < nItems)) throw bad('userItems', `holds item index ${i} at pair ${k}, outside [0, ${nItems})`);
  }

  const plays = new Float64Array(nUsers);
  const items = new Float64Array(nUsers);
  const entropy = new Float64Array(nUsers);
  const top: (string | null)[] = new Array<string | null>(nUsers).fill(null);
  const audioCols = Array.from({ length: A }, () => new Float64Array(nUsers));
  const genreWeight = new Map<string, number>();
  const sum = new Float64Array(A);
  const mass = new Float64Array(A);
  for (let u = 0; u < nUsers; u++) {
    genreWeight.clear();
    sum.fill(0);
    mass.fill(0);
    let total = 0;
    for (let k = userPtr[u]!; k < userPtr[u + 1]!; k++) {
      const i = userItems[k]!;
      const w = input.weights ? input.weights[k]! : 1;
      total += w;
      const g = input.itemGenre?.[i];
      if (g !== undefined && g !== null) genreWeight.set(g, (genreWeight.get(g) ?? 0) + w);
      for (let a = 0; a < A; a++) {
        const x = audio!.values[i * A + a]!;
        if (Number.isNaN(x)) continue;
        sum[a]! += w * x;
        mass[a]! += w;
      }
    }
    plays[u] = total;
    items[u] = userPtr[u + 1]! - userPtr[u]!;
    let g = 0;
    let best: string | null = null;
    let bestW = -Infinity;
    for (const [name, w] of genreWeight) {
      g += w;
      if (w > bestW || (w === bestW && best !== null && name < best)) {
        bestW = w;
        best = name;
      }
    }
    top[u] = best;
    let h = 0;
    for (const w of genreWeight.values()) {
      const p = w / g;
      if (p > 0) h -= p * Math.log(p);
    }
    entropy[u] = g > 0 ? h : Number.NaN;
    for (let a = 0; a < A; a++) audioCols[a]![u] = mass[a]! > 0 ? sum[a]! / mass[a]! : Number.NaN;
  }
  const out: Record<string, ArrayLike<unknown>> = { plays, items, genre_entropy: entropy, top_genre: top };
  audio?.names.forEach((name, a) => {
    out[`audio_${name}`] = audioCols[a]!;
  });
  return out;
}
