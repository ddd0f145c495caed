import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';

/** Renders a Vega-Lite spec (with inline data) to a standalone SVG string, headless (no canvas). */
export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
