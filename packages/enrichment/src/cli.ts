/**
 * `npx tsx packages/enrichment/src/cli.ts --tracks <csv|db> --batch-size 50 --delay 100`
 * Resumable metadata enrichment into `enrichment_progress` (see enrich-command.ts for flags).
 * Ctrl-C stops after the current batch is saved; running again resumes.
 */
import { isTunekitError } from '@tunekit/core';
import { parseEnrichArgs, runEnrichCommand } from './enrich-command';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const { result } = await runEnrichCommand(parseEnrichArgs(process.argv.slice(2)), { env: process.env, print: (l) => console.log(l), signal: controller.signal });
  process.exitCode = result.failed > 0 ? 2 : 0;
} catch (e) {
  console.error(isTunekitError(e) ? `${e.name} ${e.code}: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}
