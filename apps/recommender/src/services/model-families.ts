import type { ModelFamily } from './model-service';
import { contentEmbeddingFamily } from './content-embedding.service';
import { listensFamily } from './listens.service';
import { metadataAudioFamily } from './metadata-audio.service';
import { twoTowerFamily } from './two-tower.service';

/**
 * Every model family the recommender can serve, by the `family:` key used in
 * `configs/recommender/*.yaml`. Frozen: a new family is one line here, never a string branch.
 */
export const MODEL_FAMILIES: Readonly<Record<string, ModelFamily>> = Object.freeze({
  'two-tower': twoTowerFamily as ModelFamily,
  'content-embedding': contentEmbeddingFamily as ModelFamily,
  listens: listensFamily as ModelFamily,
  'metadata-audio': metadataAudioFamily as ModelFamily,
});
