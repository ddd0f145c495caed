import { join } from 'node:path';
import { assignClusters, loadMetadataAudioModel } from '@tunekit/models';
import { defineModelFamily } from './model-service';

/** Metadata → audio features → k-means cluster, for tracks with or without known audio. */
export const metadataAudioFamily = defineModelFamily({
  family: 'metadata-audio',
  capability: 'clusters',
  async load(runDir, ref) {
    const model = loadMetadataAudioModel(join(runDir, 'model.json'));
    return {
      capability: 'clusters',
      family: 'metadata-audio',
      model: ref.model,
      runDir,
      details: { targets: model.targets, knownTracks: Object.keys(model.lookup).length },
      assign: (tracks) => assignClusters(model, tracks),
    };
  },
});
