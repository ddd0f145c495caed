import { ModelsError } from '../errors';
import type { LabelledTrack } from './track-metadata.types';

const NUMERIC = ['danceability', 'energy', 'loudness', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo', 'key', 'mode', 'time_signature'] as const;

/**
 * Parses a Spotify tracks CSV (Hugging Face "Spotify Tracks Dataset" layout) into labelled
 * tracks, one per `track_id`: the first row's fields, and the `track_genre` of every row as the
 * track's genres. Artists split on `;`. Pure: the caller reads the file.
 *
 * @param text - the CSV text (RFC 4180 quoting)
 * @param file - file name for error messages
 * @returns labelled tracks in first-appearance order
 * @throws ModelsError `INVALID_INPUT` naming file, line and column on a missing column or a bad number
 * @example
 * ```ts
 * const tracks = parseSpotifyTracksCsv(readFileSync(path, 'utf8'), path);
 * ```
 */
export function parseSpotifyTracksCsv(text: string, file = 'csv'): LabelledTrack[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) throw new ModelsError('INVALID_INPUT', `${file}: empty file`, { context: { file } });
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ModelsError('INVALID_INPUT', `${file}: missing column ${name} in the header (expected the Spotify tracks layout)`, { context: { file, key: name } });
    return i;
  };
  const c = {
    id: col('track_id'), artists: col('artists'), album: col('album_name'), name: col('track_name'), popularity: col('popularity'),
    duration: col('duration_ms'), explicit: col('explicit'), genre: col('track_genre'),
  };
  const feat = NUMERIC.map((f) => [f, col(f)] as const);
  const byId = new Map<string, LabelledTrack>();
  for (let li = 1; li < rows.length; li++) {
    const r = rows[li] as string[];
    if (r.length === 1 && r[0] === '') continue;
    const num = (i: number, key: string): number => {
      const v = Number(r[i]);
      if ((r[i] ?? '') === '' || !Number.isFinite(v)) throw new ModelsError('INVALID_INPUT', `${file}:${li + 1}: column ${key} is not a number: ${JSON.stringify(r[i])}`, { context: { file, line: li + 1, key } });
      return v;
    };
    const id = r[c.id] ?? '';
    const genre = (r[c.genre] ?? '').trim();
    const seen = byId.get(id);
    if (seen) {
      if (genre && !(seen.genres ?? []).includes(genre)) seen.genres = [...(seen.genres ?? []), genre];
      continue;
    }
    byId.set(id, {
      id,
      artists: [...new Set((r[c.artists] ?? '').split(';').map((a) => a.trim()).filter((a) => a !== ''))],
      album: r[c.album] || null,
      name: r[c.name] || null,
      popularity: num(c.popularity, 'popularity'),
      durationMs: num(c.duration, 'duration_ms'),
      explicit: r[c.explicit] === 'True',
      releaseYear: null,
      genres: genre ? [genre] : [],
      audio: Object.fromEntries(feat.map(([f, i]) => [f, num(i, f)])),
    });
  }
  return [...byId.values()];
}

/** Minimal RFC 4180 parser (quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}
