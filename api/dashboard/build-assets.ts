/**
 * Builds the dashboard's browser bundle (`dashboard-ui/` → `api/dashboard/dist/`): one ES module, minified,
 * with the stylesheet copied beside it. esbuild does it in well under a second, so `npm run build:dashboard` (and the
 * dashboard's end-to-end test) simply run it again.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DASHBOARD_ASSETS_DIR } from './dashboard-routes.js';

const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard-ui');

/** Writes `dashboard.js` and `dashboard.css` into `outDir`. */
export async function buildDashboardAssets(outDir = DASHBOARD_ASSETS_DIR): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(UI_DIR, 'main.ts')],
    outfile: join(outDir, 'dashboard.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    platform: 'browser',
    logLevel: 'warning',
  });
  await copyFile(join(UI_DIR, 'dashboard.css'), join(outDir, 'dashboard.css'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboardAssets();
