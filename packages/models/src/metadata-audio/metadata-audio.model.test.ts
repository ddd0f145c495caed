import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { assignClusters, validateTracks } from './assign-clusters';
import { similarTracks } from './similar-tracks';
import { binMatrix, fitGradientBoosting, predictGradientBoosting } from './gradient-boosting.model';
import { metadataAudioConfigSchema } from './metadata-audio.config';
import { clusterOfFeatures, metadataAudioModelFromJson, predictAudioFeatures, trainMetadataAudio, type MetadataAudioModel } from './metadata-audio.model';
import { encodeTracks, fitFeatureEncoder } from './metadata-features';
import type { LabelledTrack } from './track-metadata.types';

/**
 * Planted structure: 8 genres with their own energy/valence level, artists with a personal
 * offset shared by their collaborators' scene, popularity driving energy a little, and noise.
 * Test tracks are by artists never seen in training (artist-disjoint), as in the benchmark.
 */
function synth(nArtists: number, perArtist: number, seed: number, prefix: string): LabelledTrack[] {
  const rng = new Rng(seed);
  const genreLevel = Array.from({ length: 8 }, (_, g) => [((g * 37) % 8) / 8, ((g * 53) % 8) / 8]);
  const out: LabelledTrack[] = [];
  for (let a = 0; a < nArtists; a++) {
    const g = rng.int(8);
    const offset = rng.normal(0, 0.08);
    for (let k = 0; k < perArtist; k++) {
      const pop = rng.int(101);
      const lv = genreLevel[g] as number[];
      const featured = rng.bernoulli(0.2) ? [`${prefix}feat${rng.int(20)}`] : [];
      out.push({
        id: `${prefix}${a}-${k}`,
        artists: [`${prefix}artist${a}`, ...featured],
        popularity: pop,
        durationMs: 150_000 + rng.int(120_000),
        explicit: rng.bernoulli(0.2),
        genres: [`g${g}`],
        audio: {
          energy: (lv[0] as number) + offset + 0.002 * pop + rng.normal(0, 0.05),
          valence: (lv[1] as number) - offset + rng.normal(0, 0.05),
        },
      });
    }
  }
  return out;
}

const config = metadataAudioConfigSchema.parse({
  targets: ['energy', 'valence'],
  seed: 3,
  features: { topGenres: 4, folds: 3 },
  gbdt: { nTrees: 60, maxDepth: 3, minLeaf: 5 },
  mlp: { hidden: [16], epochs: 15, patience: 4, batchSize: 64, learningRate: 0.01 },
  kmeans: { k: 3, nInit: 2 },
});

function r2(y: number[], p: number[]): number {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  return 1 - y.reduce((s, v, i) => s + (v - (p[i] as number)) ** 2, 0) / y.reduce((s, v) => s + (v - m) ** 2, 0);
}

describe('metadata → audio features', () => {
  let model: MetadataAudioModel;
  const train = synth(60, 5, 1, 'tr-');
  const test = synth(20, 5, 2, 'te-');
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    model = await trainMetadataAudio(train, config);
    // Training disposes every tensor it made (variables, optimizer slots, batches).
    expect(tf.memory().numTensors).toBe(before);
  });

  it('beats the train-mean baseline by a wide margin on unseen artists', () => {
    const p = predictAudioFeatures(model, test);
    for (const [j, t] of ['energy', 'valence'].entries()) {
      const y = test.map((r) => r.audio[t] as number);
      const score = r2(y, y.map((_, i) => p[i * 2 + j] as number));
      // train mean scores ≤ 0 on held-out data; the planted genre signal alone explains > 70 %.
      expect(score, t).toBeGreaterThan(0.6);
    }
    expect(model.choices.map((c) => c.target)).toEqual(['energy', 'valence']);
    expect(model.choices.every((c) => c.validR2Mlp !== null && Number.isFinite(c.validR2Gbdt))).toBe(true);
  });

  it('gives every track a cluster: lookup for known ids, prediction for the rest, 100 % coverage', () => {
    const known = train.slice(0, 3);
    const unknown = test.slice(0, 4).map(({ audio: _audio, ...meta }) => meta);
    const out = assignClusters(model, [...known, ...unknown]);
    expect(out.coverage).toEqual({ total: 7, clustered: 7, pct: 100 });
    expect(out.results.map((r) => r.source)).toEqual(['lookup', 'lookup', 'lookup', 'prediction', 'prediction', 'prediction', 'prediction']);
    // Lookup clusters equal the clusters of the true features.
    const trueC = clusterOfFeatures(model, known.flatMap((r) => [r.audio['energy'] as number, r.audio['valence'] as number]));
    expect(out.results.slice(0, 3).map((r) => r.cluster)).toEqual(Array.from(trueC));
    expect(out.results.every((r) => r.cluster >= 0 && r.cluster < 3)).toBe(true);
  });

  it('KNN over audio features: neighbours of a known track share its genre, the query itself excluded', () => {
    const [known] = similarTracks(model, [train[0]], 5);
    expect(known?.source).toBe('lookup');
    expect(known?.neighbours).toHaveLength(5);
    expect(known?.neighbours.map((n) => n.id)).not.toContain(train[0]?.id);
    const genreOf = new Map(train.map((t) => [t.id, t.genres?.[0]]));
    const same = (known?.neighbours ?? []).filter((n) => genreOf.get(n.id) === train[0]?.genres?.[0]).length;
    expect(same).toBeGreaterThanOrEqual(4);
    const [unseen] = similarTracks(model, [{ id: 'new', artists: ['Nobody'], genres: train[0]?.genres ?? [] }], 3);
    expect(unseen?.source).toBe('prediction');
    expect(unseen?.neighbours[0]?.distance).toBeLessThanOrEqual(unseen?.neighbours[2]?.distance as number);
  });

  it('survives a JSON round trip with identical predictions', () => {
    const back = metadataAudioModelFromJson(JSON.parse(JSON.stringify(model)));
    expect(Array.from(predictAudioFeatures(back, test.slice(0, 5)))).toEqual(Array.from(predictAudioFeatures(model, test.slice(0, 5))));
    expect(() => metadataAudioModelFromJson({ ...model, format: 'x' })).toThrow(/key format/);
    expect(() => metadataAudioModelFromJson({ ...model, choices: [] })).toThrow(/key choices/);
  });

  it('validation errors name the field (index and key)', () => {
    expect(() => assignClusters(model, 'nope')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', context: expect.objectContaining({ field: 'tracks' }) }));
    expect(() => validateTracks([{ id: 'a', artists: ['x'] }, { id: 'b', artists: ['y'], popularity: 140 }])).toThrow(expect.objectContaining({ context: { field: 'tracks[1].popularity', index: 1, key: 'popularity' } }));
    expect(() => validateTracks([{ id: 'a', artists: [] }])).toThrow(/tracks\[0\]\.artists must name at least one artist/);
    expect(() => validateTracks([{ artists: ['x'] }])).toThrow(/tracks\[0\]\.id/);
    expect(() => validateTracks([{ id: 'a', artists: ['x'], explicit: 'yes' }])).toThrow(/tracks\[0\]\.explicit/);
    expect(() => validateTracks([{ id: 'a', artists: ['x'], genres: [1] }])).toThrow(/tracks\[0\]\.genres/);
    expect(validateTracks([{ id: 'a', artists: ['x'], popularity: null, durationMs: 1000, genres: ['pop'], extra: 1 }])).toEqual([{ id: 'a', artists: ['x'], popularity: null, durationMs: 1000, genres: ['pop'] }]);
  });
});

describe('feature encoder', () => {
  const rows: LabelledTrack[] = [
    { id: '1', artists: ['A', 'B'], genres: ['rock'], popularity: 50, audio: { energy: 1 } },
    { id: '2', artists: ['A'], genres: ['rock'], popularity: 50, audio: { energy: 3 } },
    { id: '3', artists: ['C'], genres: ['jazz'], popularity: 50, audio: { energy: 5 } },
    { id: '4', artists: ['B'], genres: ['jazz'], popularity: 50, audio: { energy: 7 } },
  ];
  const opts = { targets: ['energy'], topGenres: 1, smoothing: 2, folds: 2, grouping: 'random' as const, blocks: { artist: true, genre: true, related: true }, seed: 1 };
  it('names its features and encodes with smoothed train statistics (hand-derived)', () => {
    const { state } = fitFeatureEncoder(rows, opts);
    expect(state.featureNames).toEqual(['popularity', 'release_year', 'duration', 'explicit', 'artist_enc/energy', 'artist_log_rows', 'genre/jazz', 'genre/other', 'genre_count', 'genre_enc/energy', 'related_enc/energy', 'related_log_rows']);
    // prior = 4. Track by A (rows 1,2: Σ=4, n=2): (4 + 2·4)/(2+2) = 3. Genre rock (Σ=4, n=2) → 3.
    // Related of A = co-artist B (rows 1,4: Σ=8, n=2) → (8 + 8)/4 = 4.
    const x = encodeTracks(state, [{ id: 'new', artists: ['A'], genres: ['rock'] }]);
    expect(x[4]).toBeCloseTo(3, 12);
    expect(x[5]).toBeCloseTo(Math.log1p(2), 12);
    expect(Array.from(x.slice(6, 9))).toEqual([0, 1, 1]);
    expect(x[9]).toBeCloseTo(3, 12);
    expect(x[10]).toBeCloseTo(4, 12);
    // Unknown artist and genre fall back to the prior.
    const u = encodeTracks(state, [{ id: 'u', artists: ['Z'], genres: ['polka'] }]);
    expect([u[4], u[9], u[10]]).toEqual([4, 4, 4]);
  });
  it('out-of-fold: no training row sees its own target', () => {
    const { x, state } = fitFeatureEncoder(rows, opts);
    const D = state.featureNames.length;
    // Changing row 3's own target must not move row 3's encodings.
    const changed = rows.map((r) => (r.id === '3' ? { ...r, audio: { energy: 500 } } : r));
    const x2 = fitFeatureEncoder(changed, opts).x;
    const prior1 = 4;
    const prior2 = (1 + 3 + 500 + 7) / 4;
    // Only the prior (smoothing term) may move: artist C has no other rows, so enc = prior.
    expect(x[2 * D + 4]).toBeCloseTo(prior1, 12);
    expect(x2[2 * D + 4]).toBeCloseTo(prior2, 12);
  });
  it('rejects missing targets naming the row and key', () => {
    expect(() => fitFeatureEncoder([{ id: '1', artists: ['A'], audio: {} }], opts)).toThrow(/train\[0\]\.audio\.energy/);
  });
});

describe('gradient boosting', () => {
  it('fits a step function far better than the mean and its validation curve improves', () => {
    const rng = new Rng(4);
    const n = 400;
    const x = Float64Array.from({ length: n * 2 }, () => rng.uniform(-1, 1));
    const y = Float64Array.from({ length: n }, (_, i) => ((x[i * 2] as number) > 0 ? 2 : -1) + 0.5 * (x[i * 2 + 1] as number) + rng.normal(0, 0.1));
    const { model, validCurve } = fitGradientBoosting(binMatrix(x, 2), y, { nTrees: 50, learningRate: 0.2, maxDepth: 3, minLeaf: 5, lambda: 1, subsample: 1, maxBins: 64, seed: 1 }, { x, y });
    const p = predictGradientBoosting(model, x, 2);
    expect(r2(Array.from(y), Array.from(p))).toBeGreaterThan(0.95);
    expect(validCurve[49] as number).toBeLessThan((validCurve[0] as number) / 5);
  });
});
