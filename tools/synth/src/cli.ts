/**
 * Command line: generate a synthetic dataset into a tunekit database.
 *
 *   npx tsx tools/synth/src/cli.ts --preset small --seed 42 --database pglite:artifacts/db/tunekit
 *
 * Options: --preset small|large, --seed N, --database URL (default DATABASE_URL, then the embedded
 * PGlite file), --tracks N, --artists N, --users N, --plays-per-user N, --batch-size N,
 * --track-plays events|counts, --truth PATH (planted truth JSON), --replace, --help.
 */
import { openDatabase, redact } from '@tunekit/data-access';
import { isTunekitError } from '@tunekit/core';
import { HELP, parseCliArgs } from './cli-args';
import { generateSynthetic } from './generate-synthetic';
import type { SynthProgress } from './synth.config';

async function main(): Promise<void> {
  const { options, database, help } = parseCliArgs(process.argv.slice(2));
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const handle = await openDatabase(database);
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastPhase = '';
  let lastPrint = 0;
  const onProgress = (p: SynthProgress): void => {
    const now = performance.now();
    if (p.phase === lastPhase && now - lastPrint < (tty ? 200 : 2000) && p.done < p.total) return;
    lastPrint = now;
    const pct = p.total > 0 ? Math.min(100, Math.round((100 * p.done) / p.total)) : 100;
    const line = `[synth] ${p.phase.padEnd(11)} ${String(p.done).padStart(9)}/${p.total} (${pct}%) ${((now - started) / 1000).toFixed(1)}s`;
    if (tty) process.stderr.write(`${p.phase !== lastPhase && lastPhase !== '' ? '\n' : '\r'}${line}`);
    else process.stderr.write(`${line}\n`);
    lastPhase = p.phase;
  };
  try {
    const { summary } = await generateSynthetic(handle.db, { ...options, onProgress });
    if (tty) process.stderr.write('\n');
    process.stdout.write(
      `Generated into ${redact(handle.target.url)} in ${summary.seconds}s: ${summary.tracks} tracks, ${summary.artists} artists, ${summary.albums} albums, ` +
        `${summary.users} users, ${summary.plays} plays (${summary.trackPlayRows} track_plays rows, ${summary.artistPlayRows} artist_plays rows), ` +
        `${summary.friendships} friendship rows, ${summary.tagAssignments} tag assignments, ${summary.playlists} playlists.` +
        `${options.truthPath ? ` Planted truth: ${options.truthPath}` : ''}\n`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write('\n');
  if (isTunekitError(err)) process.stderr.write(`synth: ${err.code}: ${err.message}\n`);
  else process.stderr.write(`synth: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
