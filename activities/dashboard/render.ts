/**
 * Writes the self-hosted dashboard, `DATA_DIR/dashboard/`: four HTML pages sharing dashboard.css, dashboard.js,
 * metrics.js, ECharts (copied from node_modules), the world map (world.js) and the data (data.js). Everything is
 * written into a temporary folder next to it and swapped in by rename, so a reader sees the old dashboard or the
 * new one, never a mix. Nothing is loaded from the network: the pages work from file:// and from `npm run dashboard`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stagingFolder, tempName } from '../exports/atomic-file';
import { DataSink, writeDashboardData } from './data';
import { PAGES, pageHtml } from './pages';
import { worldGeoJson } from './world';
import type { Db } from '../store/sql';

export const DASHBOARD_DIR = 'dashboard';
export const DASHBOARD_INDEX = 'index.html';

/** Browser code and styles, kept as real files so they stay lintable. */
const ASSETS = ['dashboard.js', 'metrics.js', 'dashboard.css'];

export interface RenderDashboardOptions {
  /** Where to write the dashboard; default `dataDir/dashboard`. */
  outDir?: string;
  /** Mode of the files (they hold per-day sales figures); default 0o600 like the other outputs. */
  fileMode?: number;
  /** Time written as generated_at (tests pin it). */
  now?: Date;
}

export interface RenderedDashboard {
  dir: string;
  /** The overview page, index.html. */
  file: string;
  files: string[];
  dataBytes: number;
  orders: number;
  days: number;
}

/**
 * The assets folder: next to this file when run from source (tsx, jest); from a `tsc` build (dist/), the source
 * tree's, unless the build copied it next to the compiled file.
 */
export function assetsDir(): string {
  const candidates = [
    path.join(__dirname, 'assets'),
    path.resolve(__dirname, '..', '..', '..', 'activities', 'dashboard', 'assets'),
  ];
  const found = candidates.find((dir) => ASSETS.every((file) => fs.existsSync(path.join(dir, file))));
  if (!found) {
    throw new Error(
      `The dashboard's browser files (${ASSETS.join(', ')}) were not found in ${candidates.join(' or ')}. ` +
        'A build must copy activities/dashboard/assets/ to dist/activities/dashboard/assets/.',
    );
  }
  return found;
}

/** Text written in chunks of about this many UTF-16 code units. */
const CHUNK = 1 << 16;

/**
 * Writes data.js, `window.DASHBOARD_DATA = {…};`, as the data is computed (writeDashboardData): the JSON text goes
 * to the file in chunks of ~64 KB, so the process never holds the rows, the lists or the whole text, whatever the
 * number of customers. Synchronous, like the read transaction it runs in; the file is fsynced. Returns its size
 * and the data's order and day counts.
 */
function writeDataScript(
  db: Db,
  file: string,
  mode: number,
  now: Date | undefined,
): { bytes: number; orders: number; days: number } {
  const fd = fs.openSync(file, 'wx', mode);
  try {
    let pending = '';
    let bytes = 0;
    const flush = () => {
      const buffer = Buffer.from(pending);
      for (let offset = 0; offset < buffer.length;) offset += fs.writeSync(fd, buffer, offset);
      bytes += buffer.length;
      pending = '';
    };
    const write: DataSink = (piece) => {
      pending += piece;
      if (pending.length >= CHUNK) flush();
    };
    write('window.DASHBOARD_DATA = ');
    const counts = writeDashboardData(db, write, { now });
    write(';\n');
    flush();
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
    return { bytes, ...counts };
  } finally {
    fs.closeSync(fd);
  }
}

async function writeFile(file: string, content: string | Buffer, mode: number): Promise<void> {
  await fs.promises.writeFile(file, content, { mode, flag: 'wx' });
  await fs.promises.chmod(file, mode);
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Puts `staged` at `target`, moving a previous folder aside first (a rename cannot replace a non-empty folder). */
async function swapIn(staged: string, target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    // Named like a temp folder, so one left behind by a kill between the two renames is removed by a later render.
    const old = tempName(target);
    let moved = false;
    try {
      await fs.promises.rename(target, old);
      moved = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await fs.promises.rename(staged, target);
    } catch (error) {
      // Put the previous dashboard back; if another render swapped its folder in meanwhile, keep that one.
      if (moved)
        await fs.promises.rename(old, target).catch(() => fs.promises.rm(old, { recursive: true, force: true }));
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 4) throw error;
      continue;
    }
    if (moved) await fs.promises.rm(old, { recursive: true, force: true });
    return;
  }
}

export async function renderDashboard(
  db: Db,
  dataDir: string,
  options: RenderDashboardOptions = {},
): Promise<RenderedDashboard> {
  const dir = path.resolve(options.outDir ?? path.join(dataDir, DASHBOARD_DIR));
  const mode = options.fileMode ?? 0o600;
  const assets = assetsDir();
  const echartsFile = require.resolve('echarts/dist/echarts.min.js');

  await fs.promises.mkdir(path.dirname(dir), { recursive: true });
  const { dir: staging, release } = await stagingFolder(dir);
  try {
    // The folder is readable by whoever may read the files (0o600 files: 0o700 folder, 0o644: 0o755).
    await fs.promises.chmod(staging, 0o700 | (mode & 0o044) | ((mode & 0o044) >> 2));
    const data = writeDataScript(db, path.join(staging, 'data.js'), mode, options.now);
    const files: Array<[string, string | Buffer]> = [
      ...PAGES.map((page): [string, string] => [page.file, pageHtml(page)]),
      ['world.js', `window.WORLD_GEOJSON = ${JSON.stringify(worldGeoJson())};\n`],
      ['echarts.min.js', await fs.promises.readFile(echartsFile)],
      ...(await Promise.all(
        ASSETS.map(async (name): Promise<[string, Buffer]> => [
          name,
          await fs.promises.readFile(path.join(assets, name)),
        ]),
      )),
    ];
    for (const [name, content] of files) await writeFile(path.join(staging, name), content, mode);
    await swapIn(staging, dir);
    return {
      dir,
      file: path.join(dir, DASHBOARD_INDEX),
      files: ['data.js', ...files.map(([name]) => name)].map((name) => path.join(dir, name)),
      dataBytes: data.bytes,
      orders: data.orders,
      days: data.days,
    };
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  } finally {
    release();
  }
}
