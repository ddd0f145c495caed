import type { TrainTask } from '../task';
import { metadataAudioTask } from './metadata-audio.task';
import { listensTask } from './listens.task';
import { contentEmbeddingTask } from './content-embedding.task';
import { twoTowerTask } from './two-tower.task';

/**
 * Every training task, by the `task:` key used in `configs/trainer/*.yaml`. Frozen: adding a model
 * family means adding one line here, never a string branch elsewhere.
 */
export const TRAIN_TASKS: Readonly<Record<string, TrainTask>> = Object.freeze({
  // registered tasks (one line each):
  'metadata-audio': metadataAudioTask,
  'two-tower': twoTowerTask,
  'content-embedding': contentEmbeddingTask,
  listens: listensTask,
});
