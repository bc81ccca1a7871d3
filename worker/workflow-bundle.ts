import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Written by `npm run build` next to the compiled worker (dist/): the image never bundles at start. */
export const SHIPPED_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');
// One cache per checkout: a bundle built from another checkout's unchanged files would otherwise be a hit here.
const DEFAULT_CACHE_DIR = path.join(
  os.tmpdir(),
  'shopify-sync-workflow-bundles',
  crypto.createHash('sha256').update(path.resolve(__dirname, '..')).digest('hex').slice(0, 12),
);
/** Cached bundles whose inputs are compared with the sources, newest first; older ones are deleted. */
const KEEP_CACHED = 20;

/** Every file webpack read to build a bundle (workflows, common, the SDK in node_modules) and its content hash. */
export interface BundleInputs {
  files: Record<string, string>;
}

function fileHash(file: string): string | null {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

export function inputsOf(files: Iterable<string>): BundleInputs {
  const hashes: Record<string, string> = {};
  for (const file of [...files].sort()) {
    const hash = fileHash(file);
    if (hash !== null) hashes[file] = hash;
  }
  return { files: hashes };
}

function unchanged(inputs: BundleInputs): boolean {
  return Object.entries(inputs.files).every(([file, hash]) => fileHash(file) === hash);
}

/** A cached bundle whose every input file is as it was when it was built, or undefined. */
function cachedBundle(cacheDir: string): string | undefined {
  if (!fs.existsSync(cacheDir)) return undefined;
  const manifests = fs
    .readdirSync(cacheDir)
    .filter((name) => name.endsWith('.inputs.json'))
    .map((name) => path.join(cacheDir, name))
    .map((file) => ({ file, mtime: fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const [i, { file }] of manifests.entries()) {
    const codePath = file.replace(/\.inputs\.json$/, '.js');
    if (i >= KEEP_CACHED) {
      for (const old of [file, codePath]) fs.rmSync(old, { force: true });
      continue;
    }
    try {
      if (fs.existsSync(codePath) && unchanged(JSON.parse(fs.readFileSync(file, 'utf8')) as BundleInputs)) {
        return codePath;
      }
    } catch {
      // A manifest being replaced or unreadable: not a hit.
    }
  }
  return undefined;
}

/**
 * The workflow bundle as a file: the one `npm run build` wrote into dist/, else one cached under /tmp whose input
 * files (every file webpack read, recorded when it was built) are unchanged, else a new one built by a short-lived
 * child process. Bundling (webpack) in the worker itself would leave some 150 MB of its memory in the long-lived
 * process.
 */
export async function prebuiltWorkflowBundle(cacheDir = DEFAULT_CACHE_DIR): Promise<{ codePath: string }> {
  if (fs.existsSync(SHIPPED_BUNDLE)) return { codePath: SHIPPED_BUNDLE };
  const cached = cachedBundle(cacheDir);
  if (cached) return { codePath: cached };
  fs.mkdirSync(cacheDir, { recursive: true });
  const building = path.join(cacheDir, `building-${process.pid}-${crypto.randomBytes(4).toString('hex')}.js`);
  await buildInChild(building);
  // Named by its inputs: concurrent builds of the same sources (parallel test files) agree on the name.
  const manifest = fs.readFileSync(`${building}.inputs.json`);
  const name = `workflow-bundle-${crypto.createHash('sha256').update(manifest).digest('hex').slice(0, 16)}`;
  const codePath = path.join(cacheDir, `${name}.js`);
  fs.renameSync(building, codePath);
  fs.renameSync(`${building}.inputs.json`, path.join(cacheDir, `${name}.inputs.json`));
  return { codePath };
}

async function buildInChild(target: string): Promise<void> {
  // build-workflow-bundle.ts in development (run by tsx), build-workflow-bundle.js once compiled.
  const ts = path.join(__dirname, 'build-workflow-bundle.ts');
  const script = fs.existsSync(ts) ? ts : path.join(__dirname, 'build-workflow-bundle.js');
  const child = fork(script, [target], {
    execArgv: script === ts ? ['--import', 'tsx'] : [],
    // The bundler's report (thirty lines of module sizes) stays out of users' output; its errors do not.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(target)) throw new Error(`Bundling the workflow code failed (exit ${code}).`);
}
