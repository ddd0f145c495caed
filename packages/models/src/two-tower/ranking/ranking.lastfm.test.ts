import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { initRuntime } from '@tunekit/runtime';
import { evaluateFullRanking } from '../../baselines/full-ranking.eval';
import { buildInteractionMatrix, type InteractionMatrix } from '../../baselines/interaction-matrix';
import { carveValidation, indexHeldOut, indexInteractions } from '../interaction-dataset';
import { towerVectors } from '../two-tower.model';
import { fitTwoTower, vectorScorer } from '../two-tower.trainer';
import { fitCompatibility } from './compatibility-features';
import { rankingAuc, rerankingScorer } from './ranking.eval';
import type { RankingConfig } from './ranking.config';
import { fitRanker } from './ranking.trainer';

/**
 * Opt-in measurement on the canonical Last.fm split (minutes, not a unit test):
 *   TUNEKIT_RANKING_LASTFM=1 npx vitest run --project models packages/models/src/two-tower/ranking/ranking.lastfm
 * Protocol: train → carve A (20 % per user, seed 7): towers fit on the rest (early stopping on
 * carve A); carve A → head-train (75 %) / head-validation (25 %, seed 8): the head learns on pairs
 * the towers never saw; sampling variant and early stopping chosen on head-validation; test is
 * touched once. Item "genre" = the artist's most frequent tag among tags users put on artists
 * they play in train (50 most frequent tags, else unknown); hetrec-2k has no ages, countries,
 * audio or years, so only user_genre_lift and log_item_popularity are compatibility features.
 */
const DATA = join(__dirname, '../../../../../../shared/data');
const enabled = process.env.TUNEKIT_RANKING_LASTFM === '1';
const present = existsSync(join(DATA, 'benchmarks/lastfm-2k/train.tsv'));

function tsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
}

function union(a: InteractionMatrix, b: InteractionMatrix): InteractionMatrix {
  const u: number[] = [];
  const i: number[] = [];
  for (const x of [a, b]) {
    for (let r = 0; r < x.nUsers; r++) {
      for (let k = x.userPtr[r]!; k < x.userPtr[r + 1]!; k++) {
        u.push(r);
        i.push(x.userItems[k]!);
      }
    }
  }
  return buildInteractionMatrix(u, i, a.nUsers, a.nItems);
}

const csr = (x: InteractionMatrix) => ({ ptr: x.userPtr, items: x.userItems });
const fmt = (m: Record<string, number>) => ['ndcg@10', 'recall@20', 'hit@10', 'map@10', 'mrr'].map((k) => `${k} ${m[k]!.toFixed(4)}`).join(', ');

describe.skipIf(!enabled)('ranking stage on Last.fm hetrec-2k (opt-in)', () => {
  it('measures retrieval vs retrieval + ranking', async () => {
    if (!present) {
      console.warn(`skipped: ${DATA}/benchmarks/lastfm-2k is absent`);
      return;
    }
    await initRuntime({ backend: 'wasm', log: false });
    const train = tsv(join(DATA, 'benchmarks/lastfm-2k/train.tsv'));
    const test = tsv(join(DATA, 'benchmarks/lastfm-2k/test.tsv'));
    const idx = indexInteractions(train.map((r) => r[0]!), train.map((r) => r[1]!));
    const x = idx.matrix;
    const testM = indexHeldOut(test.map((r) => r[0]!), test.map((r) => r[1]!), idx).matrix;
    const { train: towersTrain, validation: carve } = carveValidation(x, 0.2, 5, 7);
    const { train: headTrain, validation: headVal } = carveValidation(carve, 0.25, 2, 8);
    // genre = most frequent train-pair tag among the 50 most frequent tags
    const itemOf = new Map(idx.itemIds.map((id, k) => [id, k]));
    const userOf = new Map(idx.userIds.map((id, k) => [id, k]));
    const played = new Set<number>();
    for (let u = 0; u < x.nUsers; u++) for (let k = x.userPtr[u]!; k < x.userPtr[u + 1]!; k++) played.add(u * x.nItems + x.userItems[k]!);
    const tags = readFileSync(join(DATA, 'hetrec2011-lastfm-2k/user_taggedartists.dat'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const pairs: [number, string][] = [];
    const tagCount = new Map<string, number>();
    for (const [uid, aid, tid] of tags) {
      const u = userOf.get(uid!);
      const i = itemOf.get(aid!);
      if (u === undefined || i === undefined || !played.has(u * x.nItems + i)) continue;
      pairs.push([i, tid!]);
      tagCount.set(tid!, (tagCount.get(tid!) ?? 0) + 1);
    }
    const top = new Map([...tagCount.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50).map(([t], g) => [t, g]));
    const perItem = new Map<number, Map<number, number>>();
    for (const [i, t] of pairs) {
      const g = top.get(t);
      if (g === undefined) continue;
      const m = perItem.get(i) ?? new Map<number, number>();
      m.set(g, (m.get(g) ?? 0) + 1);
      perItem.set(i, m);
    }
    const itemGenre = new Int32Array(x.nItems).fill(-1);
    for (const [i, m] of perItem) itemGenre[i] = [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];

    const t0 = performance.now();
    const tt = await fitTwoTower({ train: towersTrain, validation: csr(carve) }, { dim: 64, epochs: 30, patience: 3, batchSize: 1024, seed: 42 });
    const dim = tt.config.dim;
    const towers = { dim, userVectors: towerVectors(tt.weights.userTable, tt.weights.userProj, null, x.nUsers, dim), itemVectors: towerVectors(tt.weights.itemTable, tt.weights.itemProj, null, x.nItems, dim) };
    console.info(`towers: best epoch ${tt.bestEpoch}, carve NDCG@10 ${tt.bestValNdcg.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const compatibility = fitCompatibility({ train: towersTrain, nUsers: x.nUsers, nItems: x.nItems, itemGenre });
    const retrieval = vectorScorer(towers.userVectors, towers.itemVectors, dim, 'two-tower');
    const seenVal = union(towersTrain, headTrain);
    const variants: Partial<RankingConfig>[] = [{ negativeSampling: 'uniform' }, { negativeSampling: 'popularity' }];
    let best: { ndcg: number; fit: Awaited<ReturnType<typeof fitRanker>>; cfg: Partial<RankingConfig> } | null = null;
    const valRetrieval = evaluateFullRanking(retrieval, seenVal, csr(headVal), { topOnly: true }).means['ndcg@10']!;
    for (const v of variants) {
      const t1 = performance.now();
      const fit = await fitRanker({ train: towersTrain, positives: csr(headTrain), validation: csr(headVal), towers, compatibility }, { hidden: [64, 32], epochs: 30, patience: 3, seed: 42, ...v });
      const ndcg = evaluateFullRanking(rerankingScorer(fit, retrieval, { topN: 100, exclude: csr(seenVal) }), seenVal, csr(headVal), { topOnly: true }).means['ndcg@10']!;
      console.info(`head ${JSON.stringify(v)}: best epoch ${fit.bestEpoch}/${fit.history.length}, ${(fit.history.reduce((s, h) => s + h.seconds, 0) / fit.history.length).toFixed(2)} s/epoch, ${fit.examplesPerEpoch} examples/epoch, val AUC ${fit.bestValAuc.toFixed(4)} (dot ${fit.baselineValAuc!.dot.toFixed(4)}, popularity ${fit.baselineValAuc!.popularity.toFixed(4)}), val NDCG@10 two-stage ${ndcg.toFixed(4)} vs retrieval ${valRetrieval.toFixed(4)}, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      if (!best || ndcg > best.ndcg) best = { ndcg, fit, cfg: v };
    }
    const fit = best!.fit;
    const auc = rankingAuc(fit, csr(x), csr(testM));
    const r = evaluateFullRanking(retrieval, x, csr(testM)).means;
    const two = evaluateFullRanking(rerankingScorer(fit, retrieval, { topN: 100, exclude: csr(x) }), x, csr(testM)).means;
    console.info(`chosen ${JSON.stringify(best!.cfg)}; test sampled AUC head ${auc.auc.toFixed(4)} / dot ${auc.dotAuc.toFixed(4)} / popularity ${auc.popularityAuc.toFixed(4)}`);
    console.info(`test retrieval:           ${fmt(r)}`);
    console.info(`test retrieval + ranking: ${fmt(two)}`);
  }, 1_800_000);
});
