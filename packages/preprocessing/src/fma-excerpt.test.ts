import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectRows } from './columns';
import { featureSpec } from './feature-spec';
import { applySplitMap, readSplitFile } from './split-file';

// Real data: the FMA raw-tracks excerpt (CC BY 4.0, read in place from /work/shared, never copied)
// with its canonical split. Facts from /work/shared/data/README.md: 2,000 tracks; 1360/240/400;
// 296 rows have only a year in date_created; every track is from 2008.
// The shared real data sits beside the project (../shared/data); absent on a user's machine.
const DATA = resolve(import.meta.dirname, '../../../../shared/data');
const TRACKS = `${DATA}/fma-raw-excerpt/raw_tracks_excerpt.utf8.csv`;
const SPLIT = `${DATA}/benchmarks/fma-listens/split.csv`;
const PRESENT = existsSync(TRACKS) && existsSync(SPLIT);

/** Minimal RFC 4180 reader (quoted fields may hold commas, quotes and newlines); test-only. */
function readCsv(text: string): Record<string, string[]> {
  const records: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      records.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) records.push([...row, field]);
  const [header, ...body] = records as [string[], ...string[][]];
  return Object.fromEntries(header.map((h, j) => [h, body.map((r) => r[j] ?? '')]));
}

describe.runIf(PRESENT)(`FMA excerpt with the canonical split${PRESENT ? '' : ` (skipped: ${TRACKS} or ${SPLIT} is absent)`}`, () => {
  it('fits on train only and reports what the README says about the data', async () => {
    const raw = readCsv(readFileSync(TRACKS, 'utf8'));
    const columns = {
      track_id: raw['track_id'] ?? [],
      duration_s: raw['track_duration'] ?? [],
      favorites: raw['track_favorites'] ?? [],
      interest: raw['track_interest'] ?? [],
      date_created: raw['track_date_created'] ?? [],
      listens: raw['track_listens'] ?? [],
    };
    expect(columns.track_id).toHaveLength(2000);
    const split = applySplitMap(columns.track_id, await readSplitFile(SPLIT));
    expect([split.train.length, split.validation.length, split.test.length, split.unassigned.length]).toEqual([1360, 240, 400, 0]);

    const spec = featureSpec({
      features: [
        { name: 'duration_s', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'zscore'] },
        { name: 'favorites', kind: 'numeric', transform: 'log1p' },
        { name: 'interest', kind: 'numeric', transform: 'log1p' },
        { name: 'date_created', kind: 'date', derive: ['year', 'age'], referenceDate: '2017-04-01' },
      ],
      target: { name: 'listens', transform: 'log1p' },
    });
    const train = selectRows(columns, split.train);
    const fitted = spec.fit(train);
    const all = fitted.transform(columns);
    expect(all.report.features['date_created']).toMatchObject({ partialDate: 296, invalidDate: 0, null: 0, imputed: 296 });
    expect(fitted.fitReport.features['date_created']?.partialDate).toBeLessThan(296);

    // Every track is from 2008: the year column is constant, so z-scoring maps it to exactly 0.
    const yearCol = all.featureNames.indexOf('date_created.year');
    for (let i = 0; i < all.rows; i++) expect(all.matrix[i * all.width + yearCol]).toBe(0);
    expect(all.matrix.every(Number.isFinite)).toBe(true);

    // log1p target round-trips through expm1 (float32 in between, so within a few listens).
    const y = fitted.transformTarget(train['listens'] ?? []);
    const back = fitted.inverseTarget(y);
    const raw50 = Array.from(train['listens'] ?? [], Number).slice(0, 50);
    raw50.forEach((v, i) => expect(back[i]).toBeCloseTo(v, -1));
  });
});
