import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRanker, loadTwoTower, RANKER_JSON, recommend, rerank, type Recommendation } from '@tunekit/models';
import { defineModelFamily } from './model-service';

/**
 * The two-tower hybrid recommender: known users by id, cold-start users by features, with
 * explanations. When the run trained a ranking head (`<run>/ranking/`), a known user's top-N
 * retrieval candidates are re-ordered by it before the top k are returned.
 */
export const twoTowerFamily = defineModelFamily({
  family: 'two-tower',
  capability: 'recommendations',
  async load(runDir, ref) {
    const artifacts = loadTwoTower(runDir);
    const users = new Set(artifacts.userIds);
    const userIndex = new Map(artifacts.userIds.map((id, k) => [id, k]));
    const itemIndex = new Map(artifacts.itemIds.map((id, k) => [id, k]));
    const rankerDir = join(runDir, 'ranking');
    const ranker = existsSync(join(rankerDir, RANKER_JSON)) ? loadRanker(rankerDir) : null;
    const topN = Number((ranker?.metadata as { topN?: number } | undefined)?.topN ?? 100);
    const ranked = (userId: string, k: number, options: { excludeHistory?: boolean; exclude?: readonly string[] }): Recommendation[] => {
      const u = userIndex.get(userId);
      if (!ranker || u === undefined) return recommend(artifacts, { userId }, k, { ...(options.excludeHistory !== undefined ? { excludeHistory: options.excludeHistory } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
      const candidates = recommend(artifacts, { userId }, Math.max(k, topN), { ...(options.excludeHistory !== undefined ? { excludeHistory: options.excludeHistory } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
      const byItem = new Map(candidates.map((r) => [itemIndex.get(r.itemId)!, r]));
      return Array.from(rerank(ranker, u, Int32Array.from(byItem.keys())).subarray(0, k), (i) => byItem.get(i)!);
    };
    // Warm the prepared item vectors once, so the first request is not the slow one.
    if (artifacts.userIds.length > 0) recommend(artifacts, { userId: artifacts.userIds[0] as string }, 1, { neighbours: 0, topFeatures: 0 });
    return {
      capability: 'recommendations',
      family: 'two-tower',
      model: ref.model,
      runDir,
      details: {
        itemKind: artifacts.itemKind,
        users: artifacts.userIds.length,
        items: artifacts.itemIds.length,
        dim: artifacts.dim,
        userFeatures: artifacts.userFeatureNames.length,
        itemFeatures: artifacts.itemFeatureNames.length,
        userFeatureNames: artifacts.userFeatureNames,
        rankingStage: ranker ? { topN, compatibility: (ranker.metadata as { compatibility?: string[] }).compatibility ?? [] } : null,
      },
      userFeatureNames: artifacts.userFeatureNames,
      itemCount: artifacts.itemIds.length,
      hasUser: (userId) => users.has(userId),
      forUser: (userId, k, options) => ranked(userId, k, options),
      forFeatures: (features, k, exclude) => recommend(artifacts, { features }, k, { exclude }),
    };
  },
});
