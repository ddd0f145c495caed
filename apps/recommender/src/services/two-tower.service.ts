import { loadTwoTower, recommend } from '@tunekit/models';
import { defineModelFamily } from './model-service';

/** The two-tower hybrid recommender: known users by id, cold-start users by features, with explanations. */
export const twoTowerFamily = defineModelFamily({
  family: 'two-tower',
  capability: 'recommendations',
  async load(runDir, ref) {
    const artifacts = loadTwoTower(runDir);
    const users = new Set(artifacts.userIds);
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
      },
      userFeatureNames: artifacts.userFeatureNames,
      itemCount: artifacts.itemIds.length,
      hasUser: (userId) => users.has(userId),
      forUser: (userId, k, options) => recommend(artifacts, { userId }, k, { excludeHistory: options.excludeHistory, exclude: options.exclude }),
      forFeatures: (features, k, exclude) => recommend(artifacts, { features }, k, { exclude }),
    };
  },
});
