import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CliError, readLatest } from '@tunekit/cli-kit';

/**
 * Finds a trained run: `<modelsRoot>/<model>/<run>` (`run: latest` follows the `latest` link).
 * @throws CliError `CONFIG_INVALID` naming the directory and the command that creates it.
 */
export function findRunDir(modelsRoot: string, model: string, run = 'latest'): string {
  const dir = run === 'latest' ? readLatest(join(modelsRoot, model)) : join(modelsRoot, model, run);
  if (!dir || !existsSync(dir)) {
    throw new CliError('CONFIG_INVALID', `No trained run "${run}" of model "${model}" in ${join(modelsRoot, model)}: run \`nx run trainer:train --configuration=${model}\` first`, {
      context: { key: 'model', model, run },
    });
  }
  return dir;
}

/** Reads the config a run was trained with (`config.yaml` in the run dir). */
export function readRunConfig(runDir: string): Record<string, unknown> {
  const file = join(runDir, 'config.yaml');
  if (!existsSync(file)) throw new CliError('CONFIG_NOT_FOUND', `Run ${runDir} has no config.yaml`, { context: { file } });
  return parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Per-epoch records of a run (`metrics.jsonl`). */
export function readRunEpochs(runDir: string): Record<string, number>[] {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>);
}
