import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import type { EvaluationResult } from '../task';
import { clusterMapChart, coverageCurveChart, metricComparisonChart, predictedVsActualChart, trainingCurvesChart } from './chart-specs';
import { writeReport } from './write-report';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-render.test: skipping the headless-browser check: ${CHROMIUM} is not installed (apt-get install chromium).`);

/** What the probe script measures in the browser, per chart. */
interface ChartProbe {
  title: string;
  svgWidth: number;
  svgHeight: number;
  /** Mark groups vega drew (`g.role-mark`) and their visible children. */
  markGroups: number;
  visibleMarks: number;
  axes: number;
}

/**
 * Runs after layout inside Chromium: for each figure, the rendered SVG's box and how many mark
 * shapes have a non-empty box. Written into the DOM so `--dump-dom` carries it out.
 */
const PROBE = `<script>
window.addEventListener('load', () => {
  const out = [...document.querySelectorAll('figure.chart')].map((fig) => {
    const svg = fig.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const groups = svg ? [...svg.querySelectorAll('g.role-mark')] : [];
    const shapes = groups.flatMap((g) => [...g.querySelectorAll('path, rect, circle, line')]);
    const visible = shapes.filter((s) => { const b = s.getBoundingClientRect(); return b.width > 0 || b.height > 0; });
    return { title: fig.dataset.title, svgWidth: box.width, svgHeight: box.height, markGroups: groups.length, visibleMarks: visible.length, axes: svg ? svg.querySelectorAll('g.role-axis').length : 0 };
  });
  const pre = document.createElement('pre');
  pre.id = 'tunekit-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`;

function renderInChromium(htmlPath: string, profileDir: string): ChartProbe[] {
  const probePath = htmlPath.replace(/\.html$/, '.probe.html');
  writeFileSync(probePath, readFileSync(htmlPath, 'utf8').replace('</body>', `${PROBE}</body>`));
  const res = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      `--user-data-dir=${profileDir}`,
      '--virtual-time-budget=5000',
      '--dump-dom',
      `file://${probePath}`,
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (res.error) throw res.error;
  const m = /<pre id="tunekit-probe">([^<]*)<\/pre>/.exec(res.stdout);
  if (!m) throw new Error(`Chromium exited ${res.status} without the probe output; stderr:\n${res.stderr.slice(-2000)}`);
  return JSON.parse((m[1] as string).replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as ChartProbe[];
}

describe('report.html renders its charts in headless Chromium', () => {
  let dir: string;
  let result: EvaluationResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-report-'));
    const rng = new Rng(11);
    const epochs = Array.from({ length: 20 }, (_, e) => e + 1);
    const actual = Array.from({ length: 150 }, () => 2 + 6 * rng.next());
    result = {
      model: { rmse_log: 0.81, 'ndcg@10': 0.31 },
      baselines: { 'train-median': { rmse_log: 1.2, 'ndcg@10': 0.1 }, linear: { rmse_log: 0.95, 'ndcg@10': 0.2 } },
      population: { test_tracks: 150 },
      charts: [
        trainingCurvesChart(
          epochs.flatMap((e) => [
            { epoch: e, series: 'loss', value: 1 / e + 0.2 },
            { epoch: e, series: 'val_loss', value: 1 / e + 0.3 + 0.002 * e },
          ]),
          { metric: 'MSE' },
        ),
        metricComparisonChart([
          { system: 'model', metric: 'ndcg@10', value: 0.31, lo: 0.29, hi: 0.33 },
          { system: 'most-popular', metric: 'ndcg@10', value: 0.1, lo: 0.09, hi: 0.11 },
          { system: 'model', metric: 'recall@20', value: 0.4, lo: 0.37, hi: 0.43 },
          { system: 'most-popular', metric: 'recall@20', value: 0.2, lo: 0.18, hi: 0.22 },
        ]),
        predictedVsActualChart(actual.map((a) => ({ actual: a, predicted: a + rng.next() - 0.5 })), { unit: 'log1p(listens)' }),
        clusterMapChart(Array.from({ length: 120 }, (_, i) => ({ x: (i % 3) * 2 + rng.next(), y: (i % 3) + rng.next(), cluster: i % 3 })), { xTitle: 'energy', yTitle: 'valence' }),
        coverageCurveChart(['model', 'most-popular'].flatMap((system, s) => Array.from({ length: 11 }, (_, i) => ({ system, itemShare: i / 10, coverage: Math.pow(i / 10, s === 0 ? 0.6 : 0.2) })))),
      ],
    };
    await writeReport(dir, 'render-test', result);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a self-contained report.html with one inline SVG per chart', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // 5 task charts plus the model-vs-baselines chart every report starts with
    expect(html.match(/<figure class="chart"/g)).toHaveLength(6);
    expect(html.match(/<svg[\s>]/g)?.length).toBeGreaterThanOrEqual(6);
    // self-contained: no external scripts, stylesheets or images
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="http/);
    expect(existsSync(join(dir, 'metrics.json'))).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('| tunekit model |');
  });

  it.skipIf(!hasChromium)('every chart has a laid-out SVG with visible marks and axes', () => {
    const profile = mkdtempSync(join(tmpdir(), 'tunekit-chromium-'));
    try {
      const probes = renderInChromium(join(dir, 'report.html'), profile);
      expect(probes.map((p) => p.title)).toEqual(['Model vs baselines', ...result.charts!.map((c) => c.title)]);
      for (const p of probes) {
        expect(p.svgWidth, p.title).toBeGreaterThan(100);
        expect(p.svgHeight, p.title).toBeGreaterThan(50);
        expect(p.markGroups, p.title).toBeGreaterThan(0);
        expect(p.axes, p.title).toBeGreaterThanOrEqual(2);
      }
      const byTitle = Object.fromEntries(probes.map((p) => [p.title, p.visibleMarks]));
      // marks drawn: 2 lines; 4 rules + 4 points; 150 points + diagonal; 120 circles; 2 lines
      expect(byTitle['Training curves']).toBeGreaterThanOrEqual(2);
      expect(byTitle['Model vs baselines (95 % confidence intervals)']).toBeGreaterThanOrEqual(8);
      expect(byTitle['Predicted vs actual log1p(listens)']).toBeGreaterThanOrEqual(150);
      expect(byTitle['Cluster map']).toBeGreaterThanOrEqual(120);
      expect(byTitle['Popularity / coverage curve']).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('the evaluation reports in artifacts/evaluations render in headless Chromium', () => {
  const evaluations = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../artifacts/evaluations');
  const reports = existsSync(evaluations)
    ? readdirSync(evaluations)
        .map((name) => join(evaluations, name, 'report.html'))
        .filter((p) => existsSync(p) && readFileSync(p, 'utf8').includes('<figure class="chart"'))
    : [];
  if (reports.length === 0) console.warn(`report-render.test: no report.html with charts under ${evaluations} yet (run nx run evaluator:evaluate); skipping that check.`);

  it.skipIf(!hasChromium || reports.length === 0)('every chart of every produced report has visible marks', () => {
    const work = mkdtempSync(join(tmpdir(), 'tunekit-reports-'));
    try {
      for (const [i, report] of reports.entries()) {
        const copy = join(work, `report-${i}.html`);
        writeFileSync(copy, readFileSync(report, 'utf8'));
        const probes = renderInChromium(copy, join(work, `profile-${i}`));
        expect(probes.length, report).toBeGreaterThan(0);
        for (const p of probes) {
          expect(p.svgWidth * p.svgHeight, `${report}: ${p.title}`).toBeGreaterThan(0);
          expect(p.visibleMarks, `${report}: ${p.title}`).toBeGreaterThan(0);
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
