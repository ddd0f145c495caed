import type { Logger } from '@tunekit/cli-kit';
import type { TunekitDb } from '@tunekit/data-access';
import type { z } from 'zod';

/** What a training task gets from the trainer app. */
export interface TrainContext<C> {
  /** Config name (`listens-fma`): names the artifact folder `artifacts/models/<name>/`. */
  readonly name: string;
  /** The task's validated config (everything in the YAML except `task` and `database`). */
  readonly config: C;
  /** The open database (already migrated). */
  readonly db: TunekitDb;
  readonly runId: string;
  /** Directory to write artifacts into (a temp dir, renamed into place when the run succeeds). */
  readonly runDir: string;
  /** Absolute path of the workspace root (for `../shared/data` and relative config paths). */
  readonly workspaceRoot: string;
  /** App-specific command-line flags not consumed by the trainer (e.g. `--epochs 50`). */
  readonly flags: Readonly<Record<string, string | boolean>>;
  readonly log: Logger;
  /** Records one epoch's metrics: run_metrics table, `metrics.jsonl` and a TensorBoard event file. */
  recordEpoch(epoch: number, metrics: Record<string, number>): Promise<void>;
}

/** What a training task reports back; the trainer writes it into the manifest and model_runs. */
export interface TrainOutcome {
  /** Final / best metrics (e.g. `best_val_loss`). */
  metrics: Record<string, number>;
  /** sha256 (or similar) of the training data, for the manifest. */
  dataHash?: string;
  /** The tfjs backend used, when any. */
  backend?: string;
  /** Anything else worth keeping in the manifest. */
  extra?: Record<string, unknown>;
}

/**
 * One model family's training entry point, looked up by the YAML `task:` key in
 * {@link TRAIN_TASKS}. `schema` validates the rest of the YAML (strict: typos fail).
 */
export interface TrainTask<S extends z.ZodType = z.ZodType> {
  readonly family: string;
  readonly description: string;
  readonly schema: S;
  /** Maps command-line flags (e.g. `--epochs 50`) onto `--set`-style overrides. */
  readonly flagOverrides?: (flags: Readonly<Record<string, string | boolean>>) => string[];
  run(ctx: TrainContext<z.infer<S>>): Promise<TrainOutcome>;
}

/** Helper giving a task literal its precise type. */
export function defineTrainTask<S extends z.ZodType>(task: TrainTask<S>): TrainTask<S> {
  return task;
}
