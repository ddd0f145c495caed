import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@tunekit/cli-kit';
import type { EvaluationResult, ReportTable } from '../task';
import { renderVegaLiteSvg } from './render-chart';
import { metricComparisonChart } from './chart-specs';

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
  }
  return v === null || v === undefined ? '' : String(v);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The comparison table of model vs baselines vs references, one row per system. */
export function comparisonTable(result: EvaluationResult): ReportTable {
  const systems: [string, Record<string, number>][] = [
    ['tunekit model', result.model],
    ...Object.entries(result.baselines).map(([k, v]) => [`baseline: ${k}`, v] as [string, Record<string, number>]),
    ...Object.entries(result.references ?? {}).map(([k, v]) => [`reference: ${k}`, v] as [string, Record<string, number>]),
  ];
  const metrics = [...new Set(systems.flatMap(([, m]) => Object.keys(m)))];
  return { title: 'Results', columns: ['system', ...metrics], rows: systems.map(([name, m]) => [name, ...metrics.map((k) => m[k] ?? null)]) };
}

function mdTable(t: ReportTable): string {
  return [
    `| ${t.columns.join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ].join('\n');
}

function htmlTable(t: ReportTable): string {
  return `<table><thead><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v) => `<td>${esc(fmt(v))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * Writes `metrics.json`, `report.md` and a self-contained `report.html` (charts inlined as SVG)
 * into `outDir`, each atomically.
 */
export async function writeReport(outDir: string, name: string, result: EvaluationResult): Promise<{ files: string[] }> {
  const metrics = {
    model: result.model,
    baselines: result.baselines,
    population: result.population ?? {},
    significance: result.significance ?? {},
    ...(result.extra ?? {}),
    ...(result.references ? { references: result.references } : {}),
    ...(result.runDir ? { run_dir: result.runDir } : {}),
    generated_at: new Date().toISOString(),
  };
  writeJsonAtomic(join(outDir, 'metrics.json'), metrics);
  const tables = [comparisonTable(result), ...(result.tables ?? [])];
  const charts = await Promise.all(
    [...comparisonCharts(result), ...(result.charts ?? [])].map(async (c) => ({ ...c, svg: await renderVegaLiteSvg(c.spec) })),
  );
  const md = [
    `# Evaluation: ${name}`,
    '',
    ...(result.runDir ? [`Model run: \`${result.runDir}\``, ''] : []),
    ...tables.flatMap((t) => [`## ${t.title}`, '', mdTable(t), '']),
    ...(result.significance && Object.keys(result.significance).length > 0
      ? ['## Significance', '', '```json', JSON.stringify(result.significance, null, 2), '```', '']
      : []),
    ...(result.population && Object.keys(result.population).length > 0
      ? ['## Population', '', '```json', JSON.stringify(result.population, null, 2), '```', '']
      : []),
    ...(charts.length > 0 ? ['## Charts', '', ...charts.map((c) => `- ${c.title}${c.caption ? `: ${c.caption}` : ''} (see report.html)`), ''] : []),
    ...((result.notes ?? []).length > 0 ? ['## Notes', '', ...(result.notes ?? []).map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  writeFileAtomic(join(outDir, 'report.md'), md);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tunekit evaluation: ${esc(name)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}thead{background:#f3f3f3}figure{margin:1.5rem 0}figcaption{color:#555;font-size:.9rem}
pre{background:#f7f7f7;padding:.8rem;overflow:auto}
</style></head><body>
<h1>Evaluation: ${esc(name)}</h1>
${result.runDir ? `<p>Model run: <code>${esc(result.runDir)}</code></p>` : ''}
${tables.map((t) => `<h2>${esc(t.title)}</h2>${htmlTable(t)}`).join('\n')}
${charts.map((c) => `<figure class="chart" data-title="${esc(c.title)}"><h3>${esc(c.title)}</h3>${c.svg}${c.caption ? `<figcaption>${esc(c.caption)}</figcaption>` : ''}</figure>`).join('\n')}
${result.significance && Object.keys(result.significance).length > 0 ? `<h2>Significance</h2><pre>${esc(JSON.stringify(result.significance, null, 2))}</pre>` : ''}
${result.population && Object.keys(result.population).length > 0 ? `<h2>Population</h2><pre>${esc(JSON.stringify(result.population, null, 2))}</pre>` : ''}
${(result.notes ?? []).length > 0 ? `<h2>Notes</h2><ul>${(result.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
  writeFileAtomic(join(outDir, 'report.html'), html);
  return { files: ['metrics.json', 'report.md', 'report.html'] };
}

/** The model-vs-baselines bar chart (with CIs when the task gave them) every report starts with. */
export function comparisonCharts(result: EvaluationResult): ReturnType<typeof metricComparisonChart>[] {
  const baselines = Object.entries(result.baselines);
  const shared = Object.keys(result.model).filter((m) => Number.isFinite(result.model[m]) && baselines.every(([, b]) => Number.isFinite(b[m])));
  const metrics = (result.headline ?? shared).filter((m) => shared.includes(m)).slice(0, 6);
  if (metrics.length === 0 || baselines.length === 0) return [];
  const rows = [['model', result.model] as const, ...baselines].flatMap(([system, values]) =>
    metrics.map((metric) => {
      const ci = result.intervals?.[system]?.[metric];
      return { system, metric, value: values[metric] as number, ...(ci ? { lo: ci[0], hi: ci[1] } : {}) };
    }),
  );
  const hasCi = rows.some((r) => 'lo' in r);
  return [
    metricComparisonChart(rows, {
      title: hasCi ? 'Model vs baselines (95 % confidence intervals)' : 'Model vs baselines',
      caption: hasCi ? 'Dots are point estimates, whiskers bootstrap 95 % intervals over test users or items.' : 'Point estimates on the test set; see the significance section for paired tests.',
    }),
  ];
}
