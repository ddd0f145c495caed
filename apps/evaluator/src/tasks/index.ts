import type { EvalTask } from '../task';
import { metadataAudioEvalTask } from './metadata-audio.task';
import { listensEvalTask } from './listens.task';
import { twoTowerEvalTask } from './two-tower.task';
import { contentEmbeddingEvalTask } from './content-embedding.task';

/** Every evaluation task, by the `task:` key used in `configs/evaluator/*.yaml`. */
export const EVAL_TASKS: Readonly<Record<string, EvalTask>> = Object.freeze({
  // registered tasks (one line each):
  'metadata-audio': metadataAudioEvalTask,
  'content-embedding': contentEmbeddingEvalTask,
  'two-tower': twoTowerEvalTask,
  listens: listensEvalTask,
});
