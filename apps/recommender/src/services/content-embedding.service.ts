import { loadContentEmbedding } from '@tunekit/models';
import { defineModelFamily } from './model-service';

/** The siamese content embedding: tracks that sound alike, by cosine over the stored embeddings. */
export const contentEmbeddingFamily = defineModelFamily({
  family: 'content-embedding',
  capability: 'similar-tracks',
  async load(runDir, ref) {
    const ce = await loadContentEmbedding(runDir);
    const ids = new Set(ce.trackIds);
    return {
      capability: 'similar-tracks',
      family: 'content-embedding',
      model: ref.model,
      runDir,
      details: { tracks: ce.trackIds.length, dim: ce.dim, index: ce.indexKind, features: ce.featureNames },
      hasTrack: (trackId) => ids.has(trackId),
      similar: (trackId, k) => ce.similarTracks(trackId, k),
    };
  },
});
