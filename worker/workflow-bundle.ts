import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folders whose code goes into the workflow bundle: the workflows and the contract they import. */
const SOURCES = [path.resolve(__dirname, '..', 'workflows'), path.resolve(__dirname, '..', 'common')];

function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  hash.update(require('@temporalio/workflow/package.json').version as string);
  for (const dir of SOURCES) {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isFile()) hash.update(name).update(fs.readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle as a file, built by a short-lived child process and cached by the hash of its sources.
 * Bundling (webpack) in the worker itself would leave some 150 MB of its memory in the long-lived process.
 */
export async function prebuiltWorkflowBundle(cacheDir = path.join(os.tmpdir(), 'shopify-sync-workflow-bundles')) {
  const codePath = path.join(cacheDir, `workflow-bundle-${sourceHash()}.js`);
  if (!fs.existsSync(codePath)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    // build-workflow-bundle.ts under tsx, build-workflow-bundle.js once compiled.
    const script = ['.ts', '.js']
      .map((ext) => path.join(__dirname, `build-workflow-bundle${ext}`))
      .find(fs.existsSync)!;
    const child = fork(script, [codePath], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0 || !fs.existsSync(codePath)) throw new Error(`Bundling the workflow code failed (exit ${code}).`);
  }
  return { codePath };
}
