import { ModelsError } from '../../errors';
import type { FeatureMatrix } from '../feature-matrix';

/** User → items in CSR form (the training interactions); any item kind. */
export interface UserItemsCsr {
  /** int32 [nUsers + 1]: user u's items are `userItems[userPtr[u] .. userPtr[u+1])`. */
  readonly userPtr: Int32Array;
  /** int32 [nnz] item indices. */
  readonly userItems: Int32Array;
}

/** Inputs of {@link fitCompatibility}. Every optional block that is absent is left out of the features. */
export interface CompatibilityInput {
  /** Training interactions only (never validation or test). */
  train: UserItemsCsr;
  nUsers: number;
  nItems: number;
  /** float32 [nItems · audioNames.length] audio features, row-major; NaN = unknown (imputed with the item mean). */
  itemAudio?: Float32Array;
  /** Names of the audio columns (required with `itemAudio`). */
  audioNames?: readonly string[];
  /** int32 [nItems] genre index per item (primary genre), -1 = unknown. */
  itemGenre?: Int32Array;
  /** float32 [nItems] release year per item, NaN = unknown. */
  itemYear?: Float32Array;
  /** int32 [nUsers] age-group index per user, -1 = unknown. */
  userAgeGroup?: Int32Array;
  /** int32 [nUsers] country index per user, -1 = unknown. */
  userCountry?: Int32Array;
  /** "Now" for recency (default: the latest known release year). */
  referenceYear?: number;
  /** A release is new when referenceYear − year < newReleaseYears (default 2). */
  newReleaseYears?: number;
  /**
   * Pseudo-count m of the additive smoothing of group genre shares: a group with n plays gets
   * share (n_g + m·p_g) / (n + m), i.e. it needs about m plays before its own shares dominate
   * the global share p_g (default 20; must be > 0).
   */
  minSupport?: number;
}

/**
 * Fitted compatibility state: plain numbers, strings and typed arrays (no tensors, no closures);
 * `saveRanker` stores the typed arrays in its binary file and the rest as JSON.
 */
export interface CompatibilityState {
  readonly nUsers: number;
  readonly nItems: number;
  /** Feature names in output column order. */
  readonly names: readonly string[];
  readonly audioNames: readonly string[];
  /** float32 [nUsers · A] mean (imputed) audio of each user's train items; cold users hold the global profile. */
  readonly userAudio: Float32Array;
  /** float32 [nItems · A] item audio with unknown values imputed by the item mean. */
  readonly itemAudio: Float32Array;
  /** float32 [A] mean audio over all train plays (the cold-start profile). */
  readonly globalAudio: Float32Array;
  /** int32 [nItems] genre per item (-1 unknown); empty without genres. */
  readonly itemGenre: Int32Array;
  readonly nGenres: number;
  /** float64 [nGenres] train plays per genre. */
  readonly genreCounts: Float64Array;
  /** Train plays of items with a known genre. */
  readonly genrePlays: number;
  /** int32 [nUsers] age group per user (-1 unknown); empty without ages. */
  readonly userAgeGroup: Int32Array;
  readonly nAgeGroups: number;
  /** float64 [nAgeGroups · nGenres] train plays per (age group, genre). */
  readonly ageGenreCounts: Float64Array;
  /** int32 [nUsers] country per user (-1 unknown); empty without countries. */
  readonly userCountry: Int32Array;
  readonly nCountries: number;
  /** float64 [nCountries · nGenres] train plays per (country, genre). */
  readonly countryGenreCounts: Float64Array;
  /** Per-user genre counts in CSR form: user u's entries are [userGenrePtr[u], userGenrePtr[u+1]). */
  readonly userGenrePtr: Int32Array;
  readonly userGenreIds: Int32Array;
  readonly userGenreCounts: Float32Array;
  /** int32 [nUsers] train items per user. */
  readonly userPlays: Int32Array;
  /** float32 [nItems] release year (unknown imputed by the mean known year); empty without years. */
  readonly itemYear: Float32Array;
  /** uint8 [nItems] 1 when the release year is known; empty without years. */
  readonly itemYearKnown: Uint8Array;
  readonly referenceYear: number;
  readonly newReleaseYears: number;
  /** float32 [nItems] train plays per item. */
  readonly itemPopularity: Float32Array;
  readonly minSupport: number;
}

function shape(cond: boolean, what: string, got: number, expected: string): void {
  if (!cond) throw new ModelsError('SHAPE_MISMATCH', `fitCompatibility: ${what} holds ${got} values, expected ${expected}; pass one entry per ${what.startsWith('item') ? 'item' : 'user'} index.`, { context: { array: what, got, expected } });
}

function categories(a: Int32Array, what: string): number {
  let n = 0;
  for (let k = 0; k < a.length; k++) {
    const v = a[k]!;
    if (v < -1) throw new ModelsError('INVALID_INPUT', `fitCompatibility: ${what}[${k}] is ${v}; use -1 for unknown and 0, 1, … for categories.`, { context: { array: what, index: k, value: v } });
    if (v + 1 > n) n = v + 1;
  }
  return n;
}

/**
 * Fits the ranking stage's compatibility features on the TRAINING interactions: each user's mean
 * audio profile, genre play counts of the whole log, of every age group, country and user, item
 * popularity and release-year recency. Nothing from validation or test may enter here.
 *
 * @param input - {@link CompatibilityInput}
 * @returns a {@link CompatibilityState} for {@link compatibilityFeatures}
 * @throws ModelsError `SHAPE_MISMATCH` when an array's length does not match nUsers / nItems
 *   (names the array and both sizes); `INVALID_INPUT` for an item index out of range, a
 *   category below -1, audio without names or minSupport ≤ 0
 * @example
 * ```ts
 * const state = fitCompatibility({ train: x, nUsers: x.nUsers, nItems: x.nItems, itemGenre, userAgeGroup });
 * const f = compatibilityFeatures(state, Int32Array.of(0), Int32Array.of(7)); // f.names: ['age_genre_lift', 'user_genre_lift', 'log_item_popularity']
 * ```
 */
export function fitCompatibility(input: CompatibilityInput): CompatibilityState {
  const { train, nUsers, nItems } = input;
  const m = input.minSupport ?? 20;
  if (!(m > 0)) throw new ModelsError('INVALID_INPUT', `fitCompatibility: minSupport must be > 0 (it is the smoothing pseudo-count), got ${m}.`, { context: { minSupport: m } });
  shape(train.userPtr.length === nUsers + 1, 'train.userPtr', train.userPtr.length, `nUsers + 1 = ${nUsers + 1}`);
  shape(train.userPtr[nUsers] === train.userItems.length, 'train.userItems', train.userItems.length, `userPtr[nUsers] = ${train.userPtr[nUsers]}`);
  for (let k = 0; k < train.userItems.length; k++) {
    const i = train.userItems[k]!;
    if (!(i >= 0 && i < nItems)) throw new ModelsError('INVALID_INPUT', `fitCompatibility: train.userItems[${k}] = ${i} is outside [0, ${nItems}).`, { context: { index: k, item: i } });
  }
  const names: string[] = [];
  const itemPopularity = new Float32Array(nItems);
  for (let k = 0; k < train.userItems.length; k++) itemPopularity[train.userItems[k]!]! += 1;
  const userPlays = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) userPlays[u] = train.userPtr[u + 1]! - train.userPtr[u]!;

  // audio: |user mean − item| per feature
  let audioNames: readonly string[] = [];
  let itemAudio = new Float32Array(0);
  let userAudio = new Float32Array(0);
  let globalAudio = new Float32Array(0);
  if (input.itemAudio) {
    if (!input.audioNames) throw new ModelsError('INVALID_INPUT', 'fitCompatibility: itemAudio was given without audioNames; name the audio columns.');
    audioNames = [...input.audioNames];
    const A = audioNames.length;
    shape(input.itemAudio.length === nItems * A, 'itemAudio', input.itemAudio.length, `nItems × audioNames.length = ${nItems} × ${A} = ${nItems * A}`);
    itemAudio = input.itemAudio.slice();
    for (let f = 0; f < A; f++) {
      let s = 0;
      let n = 0;
      for (let i = 0; i < nItems; i++) {
        const v = itemAudio[i * A + f]!;
        if (!Number.isNaN(v)) {
          s += v;
          n++;
        }
      }
      const mean = n > 0 ? s / n : 0;
      for (let i = 0; i < nItems; i++) if (Number.isNaN(itemAudio[i * A + f]!)) itemAudio[i * A + f] = mean;
    }
    userAudio = new Float32Array(nUsers * A);
    const g = new Float64Array(A);
    for (let k = 0; k < train.userItems.length; k++) for (let f = 0; f < A; f++) g[f]! += itemAudio[train.userItems[k]! * A + f]!;
    globalAudio = Float32Array.from(g, (v) => (train.userItems.length > 0 ? v / train.userItems.length : 0));
    const acc = new Float64Array(A);
    for (let u = 0; u < nUsers; u++) {
      const n = userPlays[u]!;
      if (n === 0) {
        userAudio.set(globalAudio, u * A);
        continue;
      }
      acc.fill(0);
      for (let k = train.userPtr[u]!; k < train.userPtr[u + 1]!; k++) for (let f = 0; f < A; f++) acc[f]! += itemAudio[train.userItems[k]! * A + f]!;
      for (let f = 0; f < A; f++) userAudio[u * A + f] = acc[f]! / n;
    }
    for (const a of audioNames) names.push(`audio_absdiff=${a}`);
  }

  // recency
  let itemYear = new Float32Array(0);
  let itemYearKnown = new Uint8Array(0);
  let referenceYear = Number.NaN;
  const newReleaseYears = input.newReleaseYears ?? 2;
  if (input.itemYear) {
    shape(input.itemYear.length === nItems, 'itemYear', input.itemYear.length, `nItems = ${nItems}`);
    itemYear = input.itemYear.slice();
    itemYearKnown = new Uint8Array(nItems);
    let s = 0;
    let n = 0;
    let latest = -Infinity;
    for (let i = 0; i < nItems; i++) {
      const y = itemYear[i]!;
      if (Number.isFinite(y)) {
        itemYearKnown[i] = 1;
        s += y;
        n++;
        if (y > latest) latest = y;
      }
    }
    const mean = n > 0 ? s / n : 0;
    for (let i = 0; i < nItems; i++) if (!itemYearKnown[i]) itemYear[i] = mean;
    referenceYear = input.referenceYear ?? (n > 0 ? latest : 0);
    names.push('years_since_release', 'is_new_release');
  }

  // genre popularity per age group / country / user, smoothed toward the global share
  let itemGenre = new Int32Array(0);
  let nGenres = 0;
  let genreCounts = new Float64Array(0);
  let genrePlays = 0;
  let userAgeGroup: Int32Array = new Int32Array(0);
  let nAgeGroups = 0;
  let ageGenreCounts: Float64Array = new Float64Array(0);
  let userCountry: Int32Array = new Int32Array(0);
  let nCountries = 0;
  let countryGenreCounts: Float64Array = new Float64Array(0);
  let userGenrePtr = new Int32Array(0);
  let userGenreIds = new Int32Array(0);
  let userGenreCounts = new Float32Array(0);
  if (input.itemGenre) {
    shape(input.itemGenre.length === nItems, 'itemGenre', input.itemGenre.length, `nItems = ${nItems}`);
    itemGenre = input.itemGenre.slice();
    nGenres = categories(itemGenre, 'itemGenre');
    genreCounts = new Float64Array(nGenres);
    const group = (codes: Int32Array | undefined, what: string): [Int32Array, number, Float64Array] => {
      if (!codes) return [new Int32Array(0), 0, new Float64Array(0)];
      shape(codes.length === nUsers, what, codes.length, `nUsers = ${nUsers}`);
      const n = categories(codes, what);
      return [codes.slice(), n, new Float64Array(n * nGenres)];
    };
    [userAgeGroup, nAgeGroups, ageGenreCounts] = group(input.userAgeGroup, 'userAgeGroup');
    [userCountry, nCountries, countryGenreCounts] = group(input.userCountry, 'userCountry');
    const ptr: number[] = [0];
    const ids: number[] = [];
    const cnt: number[] = [];
    const perUser = new Float64Array(nGenres);
    for (let u = 0; u < nUsers; u++) {
      const a = userAgeGroup.length > 0 ? userAgeGroup[u]! : -1;
      const c = userCountry.length > 0 ? userCountry[u]! : -1;
      for (let k = train.userPtr[u]!; k < train.userPtr[u + 1]!; k++) {
        const g = itemGenre[train.userItems[k]!]!;
        if (g < 0) continue;
        genreCounts[g]! += 1;
        genrePlays++;
        perUser[g]! += 1;
        if (a >= 0) ageGenreCounts[a * nGenres + g]! += 1;
        if (c >= 0) countryGenreCounts[c * nGenres + g]! += 1;
      }
      for (let g = 0; g < nGenres; g++) {
        if (perUser[g]! > 0) {
          ids.push(g);
          cnt.push(perUser[g]!);
          perUser[g] = 0;
        }
      }
      ptr.push(ids.length);
    }
    userGenrePtr = Int32Array.from(ptr);
    userGenreIds = Int32Array.from(ids);
    userGenreCounts = Float32Array.from(cnt);
    if (input.userAgeGroup) names.push('age_genre_lift');
    if (input.userCountry) names.push('country_genre_lift');
    names.push('user_genre_lift');
  }
  names.push('log_item_popularity');
  return {
    nUsers,
    nItems,
    names,
    audioNames,
    userAudio,
    itemAudio,
    globalAudio,
    itemGenre,
    nGenres,
    genreCounts,
    genrePlays,
    userAgeGroup,
    nAgeGroups,
    ageGenreCounts,
    userCountry,
    nCountries,
    countryGenreCounts,
    userGenrePtr,
    userGenreIds,
    userGenreCounts,
    userPlays,
    itemYear,
    itemYearKnown,
    referenceYear,
    newReleaseYears,
    itemPopularity,
    minSupport: m,
  };
}

/**
 * Global share of genre g with add-one smoothing: p_g = (n_g + 1) / (N + G), never 0.
 */
function globalShare(s: CompatibilityState, g: number): number {
  return (s.genreCounts[g]! + 1) / (s.genrePlays + s.nGenres);
}

/** Row sum of a [groups · G] count table (plays of the group's users with a known genre). */
function groupTotals(counts: Float64Array, groups: number, G: number): Float64Array {
  const out = new Float64Array(groups);
  for (let a = 0; a < groups; a++) for (let g = 0; g < G; g++) out[a]! += counts[a * G + g]!;
  return out;
}

/** Per-state caches of group totals (derived, so not stored). */
const totalsCache = new WeakMap<CompatibilityState, { age: Float64Array; country: Float64Array; user: Float64Array }>();

function totals(s: CompatibilityState): { age: Float64Array; country: Float64Array; user: Float64Array } {
  let t = totalsCache.get(s);
  if (!t) {
    const user = new Float64Array(s.nGenres > 0 ? s.nUsers : 0);
    for (let u = 0; u < user.length; u++) for (let k = s.userGenrePtr[u]!; k < s.userGenrePtr[u + 1]!; k++) user[u]! += s.userGenreCounts[k]!;
    t = { age: groupTotals(s.ageGenreCounts, s.nAgeGroups, s.nGenres), country: groupTotals(s.countryGenreCounts, s.nCountries, s.nGenres), user };
    totalsCache.set(s, t);
  }
  return t;
}

/**
 * log((n_g + m·p_g) / (n + m) / p_g): the log-lift of a group's smoothed genre share over the
 * global share; 0 for an empty group, → log(n_g / (n·p_g)) as the group grows.
 */
function lift(count: number, total: number, p: number, m: number): number {
  return Math.log((count + m * p) / ((total + m) * p));
}

/**
 * Writes the features of one (user, item) pair into `out[offset ..]` (names order of the state).
 * Internal fast path of {@link compatibilityFeatures}; indices must be valid.
 */
export function writeCompatibility(s: CompatibilityState, u: number, i: number, out: Float32Array, offset: number): void {
  let o = offset;
  const A = s.audioNames.length;
  for (let f = 0; f < A; f++) out[o++] = Math.abs(s.userAudio[u * A + f]! - s.itemAudio[i * A + f]!);
  if (s.itemYear.length > 0) {
    const age = Math.max(0, s.referenceYear - s.itemYear[i]!);
    out[o++] = age / 10;
    out[o++] = s.itemYearKnown[i] && age < s.newReleaseYears ? 1 : 0;
  }
  if (s.itemGenre.length > 0) {
    const g = s.itemGenre[i]!;
    const t = totals(s);
    const known = g >= 0 && g < s.nGenres;
    const p = known ? globalShare(s, g) : 1;
    if (s.userAgeGroup.length > 0) {
      const a = s.userAgeGroup[u]!;
      out[o++] = known && a >= 0 && a < s.nAgeGroups ? lift(s.ageGenreCounts[a * s.nGenres + g]!, t.age[a]!, p, s.minSupport) : 0;
    }
    if (s.userCountry.length > 0) {
      const c = s.userCountry[u]!;
      out[o++] = known && c >= 0 && c < s.nCountries ? lift(s.countryGenreCounts[c * s.nGenres + g]!, t.country[c]!, p, s.minSupport) : 0;
    }
    let cnt = 0;
    if (known) for (let k = s.userGenrePtr[u]!; k < s.userGenrePtr[u + 1]!; k++) if (s.userGenreIds[k] === g) cnt = s.userGenreCounts[k]!;
    out[o++] = known ? lift(cnt, t.user[u]!, p, s.minSupport) : 0;
  }
  out[o] = Math.log1p(s.itemPopularity[i]!);
}

/**
 * Compatibility and interaction features of (user, item) pairs, from a state fitted on train:
 * `audio_absdiff=<f>` = |mean audio of the user's train items − item audio| per feature (cold
 * users: the global play-weighted profile), `years_since_release` = max(0, referenceYear − year)/10,
 * `is_new_release` ∈ {0, 1}, `age_genre_lift` / `country_genre_lift` / `user_genre_lift` =
 * log((n_{g,grp} + m·p_g) / (n_grp + m) / p_g) with p_g = (n_g + 1)/(N + G) the global genre share
 * (0 for an unknown genre, age group or country), and `log_item_popularity` = ln(1 + train plays).
 * Blocks whose inputs were not given at fit time are absent (see `names`).
 *
 * @param state - fitted {@link CompatibilityState}
 * @param users - int32 [pairs] user indices in [0, nUsers)
 * @param items - int32 [pairs] item indices in [0, nItems)
 * @returns `{ names, values }`, values float32 [pairs · names.length] row-major
 * @throws ModelsError `SHAPE_MISMATCH` when users and items differ in length; `INVALID_INPUT`
 *   for an index out of range (names the position)
 * @example
 * ```ts
 * const f = compatibilityFeatures(state, Int32Array.of(0, 0), Int32Array.of(3, 9));
 * f.values[f.names.indexOf('user_genre_lift')]; // > 0 when item 3's genre is over-represented in user 0's plays
 * ```
 */
export function compatibilityFeatures(state: CompatibilityState, users: Int32Array, items: Int32Array): FeatureMatrix {
  if (users.length !== items.length) throw new ModelsError('SHAPE_MISMATCH', `compatibilityFeatures: users has ${users.length} entries but items has ${items.length}; pass one (user, item) pair per position.`, { context: { users: users.length, items: items.length } });
  checkPairs(state, users, items, 'compatibilityFeatures');
  const F = state.names.length;
  const values = new Float32Array(users.length * F);
  for (let k = 0; k < users.length; k++) writeCompatibility(state, users[k]!, items[k]!, values, k * F);
  return { names: state.names, values };
}

/** Throws `INVALID_INPUT` naming the first pair whose user or item index is out of range. */
export function checkPairs(state: { nUsers: number; nItems: number }, users: Int32Array, items: Int32Array, where: string): void {
  for (let k = 0; k < users.length; k++) {
    const u = users[k]!;
    const i = items[k]!;
    if (!(u >= 0 && u < state.nUsers)) throw new ModelsError('INVALID_INPUT', `${where}: user index ${u} at position ${k} is outside [0, ${state.nUsers}); users must be training-vocabulary indices.`, { context: { position: k, user: u } });
    if (!(i >= 0 && i < state.nItems)) throw new ModelsError('INVALID_INPUT', `${where}: item index ${i} at position ${k} is outside [0, ${state.nItems}).`, { context: { position: k, item: i } });
  }
}
