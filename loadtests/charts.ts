/**
 * Charts of the benchmarks, drawn from their results.json by a plotting library, never by
 * hand: a Vega-Lite spec is compiled to Vega, rendered to SVG by vega's headless View (no
 * canvas: text is measured by estimate), and converted to PNG by sharp (librsvg in its
 * prebuilt libvips, fonts from fontconfig). Nothing native is built. vega and vega-lite are
 * ES modules whose loading awaits at the top (vega-canvas looks for an optional canvas), so
 * they are imported dynamically: require() cannot load them.
 *
 * Each benchmark folder that has charts exports `charts(results)` (its specs by file name);
 * this script draws them again from a results file without running the benchmark:
 *
 *   npx tsx loadtests/charts.ts loadtests/stress/results.json loadtests/soak/results.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
// vega-lite's types sit in build/ (its package.json names them only under "exports", which
// this tree's node10 resolution does not read).
import type { TopLevelSpec } from 'vega-lite/build/index';

export type ChartSpec = TopLevelSpec;

/** By name, so that the type-checker does not resolve it (see the import of its types above). */
const vegaLite = 'vega-lite';

/** A chart of a results file: the PNG's name (beside the results) and its Vega-Lite spec. */
export interface Chart {
  file: string;
  spec: ChartSpec;
}

/** Renders one Vega-Lite spec to a PNG file (at twice the spec's pixel size, for sharp text). */
export async function renderPng(spec: ChartSpec, file: string): Promise<void> {
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import(vegaLite) as Promise<typeof import('vega-lite/build/index')>]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = await sharp(Buffer.from(svg), { density: 144 }).flatten({ background: '#ffffff' }).png().toBuffer();
  writeFileSync(file, png);
}

/** Renders every chart of a results file into `directory`; returns the files written. */
export async function renderCharts(charts: Chart[], directory: string): Promise<string[]> {
  const written: string[] = [];
  for (const chart of charts) {
    const file = path.join(directory, chart.file);
    await renderPng(chart.spec, file);
    written.push(file);
  }
  return written;
}

/** The chart builders by the `kind` a results file declares. */
const builders: Record<string, () => Promise<(results: never) => Chart[]>> = {
  stress: async () => (await import('./stress/charts')).charts,
  soak: async () => (await import('./soak/charts')).charts,
};

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: npx tsx loadtests/charts.ts <results.json>...');
  for (const file of files) {
    const results = JSON.parse(readFileSync(file, 'utf8')) as { kind?: string };
    const builder = results.kind ? builders[results.kind] : undefined;
    if (!builder) throw new Error(`${file}: no charts for results of kind ${String(results.kind)} (known: ${Object.keys(builders).join(', ')})`);
    const written = await renderCharts((await builder())(results as never), path.dirname(file));
    for (const png of written) console.log(`wrote ${path.relative(process.cwd(), png)}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
