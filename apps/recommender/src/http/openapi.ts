import type { ApiRoute } from './routes';
import type { JsonSchema } from './api-schemas';

/** An OpenAPI 3.1 document (as plain JSON). */
export type OpenApiDocument = Record<string, unknown>;

function paramsOf(schema: JsonSchema | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  const props = (schema?.['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.['required'] as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
    schema: s,
  }));
}

/**
 * Builds the OpenAPI 3.1 document of the API from the same route table fastify validates with.
 * @param routes - {@link apiRoutes}
 * @param info - title/version shown at /docs
 * @returns the document (JSON-serialisable)
 * @example
 * ```ts
 * const doc = openApiDocument(apiRoutes(config), { title: 'tunekit recommender', version: '0.1.0' });
 * ```
 */
export function openApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string; description?: string }): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/(^|\/|-)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`,
      parameters: [...paramsOf(r.schema.params, 'path'), ...paramsOf(r.schema.querystring, 'query')],
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, res]) => [status, { description: res.description, ...(res.schema ? { content: { 'application/json': { schema: res.schema } } } : {}) }]),
      ),
    };
    if (r.schema.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return { openapi: '3.1.0', info, servers: [{ url: '/' }], paths };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A small self-contained HTML page documenting every operation of an OpenAPI document (no
 * scripts, no external assets): method, path, summary, parameters, body and answer schemas.
 * @param doc - from {@link openApiDocument}
 * @returns an HTML string
 */
export function openApiHtml(doc: OpenApiDocument): string {
  const info = doc['info'] as { title: string; version: string; description?: string };
  const paths = doc['paths'] as Record<string, Record<string, Record<string, unknown>>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const block = (v: unknown): string => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;
  const body = ops
    .map(({ path, method, op }) => {
      const params = (op['parameters'] as { name: string; in: string; required: boolean; description?: string; schema: unknown }[]) ?? [];
      const responses = op['responses'] as Record<string, { description: string; content?: unknown }>;
      return `<section class="op" id="${esc(String(op['operationId']))}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2>
<p>${esc(String(op['summary']))}</p>
${params.length > 0 ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${p.in}</td><td>${p.required}</td><td><code>${esc(JSON.stringify({ ...(p.schema as object), description: undefined }))}</code></td><td>${esc(p.description ?? '')}</td></tr>`).join('')}</table>` : ''}
${op['requestBody'] ? `<h3>Request body (application/json)</h3>${block((op['requestBody'] as { content: { 'application/json': { schema: unknown } } }).content['application/json'].schema)}` : ''}
<h3>Responses</h3><ul>${Object.entries(responses).map(([s, r]) => `<li><b>${s}</b> ${esc(r.description)}</li>`).join('')}</ul>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} — API</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#222}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:3.5rem;padding:.1rem .4rem;border-radius:4px;color:#fff;font-size:.9rem;text-align:center}
.get{background:#2b7bb9}.post{background:#3a9b5b}pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:.8rem}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left}</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description ?? '')} Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1).</p>
${body}
</body></html>
`;
}
