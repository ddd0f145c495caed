import { parseArgs } from 'node:util';
import { SynthError } from './errors';
import type { SynthOptions, SynthPresetName } from './synth.config';

/** Usage text of the synth CLI. */
export const HELP = `Usage: npx tsx tools/synth/src/cli.ts [options]
  --preset small|large     sizes preset (default small)
  --seed N                 random seed (default 42)
  --database URL           pglite:<dir> | pglite:memory | postgres://... (default DATABASE_URL, else pglite:artifacts/db/tunekit)
  --tracks N --artists N --users N --plays-per-user N   override preset sizes
  --batch-size N           rows per INSERT (default 5000)
  --track-plays events|counts   one row per play (default) or per user-track pair
  --truth PATH             write the planted truth JSON here
  --replace                delete existing synthetic rows first
  --help                   this text`;

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new SynthError('INVALID_OPTION', `--${name} needs a number, got "${v}"`, { context: { key: name, value: v } });
  return n;
};

/**
 * Parses the synth CLI's arguments into generator options plus the database URL.
 *
 * @param argv - arguments after the script name, e.g. `['--preset', 'small', '--seed', '7']`.
 * @returns the options, the `--database` URL (undefined → DATABASE_URL / default) and whether `--help` was asked.
 * @throws SynthError `INVALID_OPTION` for an unknown flag, a missing value or a non-numeric number.
 * @example
 * ```ts
 * parseCliArgs(['--preset', 'large', '--seed', '3']).options; // { preset: 'large', seed: 3 }
 * ```
 */
export function parseCliArgs(argv: readonly string[]): { options: SynthOptions; database: string | undefined; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        preset: { type: 'string' },
        seed: { type: 'string' },
        database: { type: 'string' },
        tracks: { type: 'string' },
        artists: { type: 'string' },
        users: { type: 'string' },
        'plays-per-user': { type: 'string' },
        'batch-size': { type: 'string' },
        'track-plays': { type: 'string' },
        truth: { type: 'string' },
        replace: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (cause) {
    throw new SynthError('INVALID_OPTION', `${(cause as Error).message}. Run with --help for the options.`, { cause });
  }
  const v = parsed.values;
  const options: SynthOptions = {};
  if (v.preset !== undefined) options.preset = v.preset as SynthPresetName;
  const fields: [keyof SynthOptions, string, string | undefined][] = [
    ['seed', 'seed', v.seed],
    ['tracks', 'tracks', v.tracks],
    ['artists', 'artists', v.artists],
    ['users', 'users', v.users],
    ['playsPerUser', 'plays-per-user', v['plays-per-user']],
    ['batchSize', 'batch-size', v['batch-size']],
  ];
  for (const [key, flag, raw] of fields) {
    const n = int(flag, raw);
    if (n !== undefined) (options as Record<string, unknown>)[key] = n;
  }
  if (v['track-plays'] !== undefined) options.trackPlays = v['track-plays'] as 'events' | 'counts';
  if (v.truth !== undefined) options.truthPath = v.truth;
  if (v.replace) options.replace = true;
  return { options, database: v.database, help: v.help === true };
}

