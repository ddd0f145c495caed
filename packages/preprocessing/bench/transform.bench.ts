// Opt-in benchmark (not a test): fit + transform time on N synthetic rows, per feature kind.
// Run from the repo root: npx tsx --tsconfig tsconfig.base.json packages/preprocessing/bench/transform.bench.ts [rows]
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Rng } from '@tunekit/core';
import { featureSpec, randomSplit } from '../src/index';
import type { FeatureInput } from '../src/index';

const n = Number(process.argv[2] ?? 1_000_000);
const rng = new Rng(2026);
const countries = ['US', 'GB', 'FR', 'DE', 'BR', 'JP', 'MX', 'ES'];
const genres = ['Rock', 'Pop', 'Jazz', 'Folk', 'Electronic', 'Hip-Hop', 'Experimental', 'Classical'];
const columns = {
  duration: Float64Array.from({ length: n }, (_, i) => (i % 101 === 0 ? NaN : 60 + rng.next() * 400)),
  durationText: Array.from({ length: n }, (_, i) => (i % 101 === 0 ? 'n/a' : String(60 + (i % 400)))),
  created: Float64Array.from({ length: n }, (_, i) => Date.UTC(2008 + (i % 9), i % 12, 1)),
  createdText: Array.from({ length: n }, (_, i) => `${(i % 12) + 1}/1/${2008 + (i % 9)} 01:48:12 AM`),
  country: Array.from({ length: n }, (_, i) => (i % 53 === 0 ? null : (countries[i % 8] as string))),
  artist: Array.from({ length: n }, (_, i) => `a${i % 20000}`),
  genres: Array.from({ length: n }, (_, i) => `${genres[i % 8]}|${genres[(i * 7) % 8]}`),
};

const cases: Record<string, FeatureInput> = {
  'numeric float64 (impute, log1p, cap, zscore)': { name: 'duration', kind: 'numeric', steps: ['impute:median', 'log1p', 'cap:3', 'zscore'] },
  'numeric strings (coerce, impute, zscore)': { name: 'durationText', kind: 'numeric' },
  'date epoch ms → year, age': { name: 'created', kind: 'date', derive: ['year', 'age'], referenceDate: '2017-04-01' },
  'date FMA strings → year, age': { name: 'createdText', kind: 'date', derive: ['year', 'age'], referenceDate: '2017-04-01' },
  'categorical one-hot (8)': { name: 'country', kind: 'categorical' },
  'categorical index (20k)': { name: 'artist', kind: 'categorical', encoding: 'index' },
  'multi-categorical multi-hot': { name: 'genres', kind: 'multi-categorical' },
  'bucket from dates': { name: 'year', column: 'created', kind: 'bucket', boundaries: [2010, 2014], source: 'year' },
};

const results: Record<string, { fitSeconds: number; transformSeconds: number; width: number }> = {};
for (const [label, feature] of Object.entries(cases)) {
  const spec = featureSpec({ features: [feature] });
  let t = performance.now();
  const fitted = spec.fit(columns);
  const fitSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const out = fitted.transform(columns);
  const transformSeconds = (performance.now() - t) / 1000;
  results[label] = { fitSeconds, transformSeconds, width: out.width };
  console.log(`${label.padEnd(48)} fit ${fitSeconds.toFixed(3)} s  transform ${transformSeconds.toFixed(3)} s  width ${out.width}`);
}
const splitStart = performance.now();
randomSplit(n, { test: 0.2, validation: 0.1, seed: 1 });
const splitSeconds = (performance.now() - splitStart) / 1000;
console.log(`randomSplit ${splitSeconds.toFixed(3)} s`);

mkdirSync('artifacts/bench', { recursive: true });
const file = 'artifacts/bench/preprocessing-transform.json';
writeFileSync(`${file}.tmp`, JSON.stringify({ rows: n, node: process.version, results, splitSeconds }, null, 2));
renameSync(`${file}.tmp`, file);
console.log(`wrote ${file}`);
