import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { inputsOf } from './workflow-bundle';

const noop = () => undefined;
/** Warnings and errors only: the bundler logs its webpack report (module sizes) at info. */
const quietLogger = { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error };

/**
 * Bundles `workflows/` into the file named by argv[2], atomically, and lists every file webpack read in
 * `<file>.inputs.json` with its hash (the cache's key). Run by prebuiltWorkflowBundle, and by `npm run build` for
 * the image.
 */
async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) throw new Error('Usage: build-workflow-bundle <output file>');
  const read = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: quietLogger,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply: (compiler) => {
            compiler.hooks.done.tap('record-bundle-inputs', (stats) => {
              for (const file of stats.compilation.fileDependencies) read.add(file);
            });
          },
        },
      ],
    }),
  });
  // The bundler's generated entry point lives in memory only: inputsOf keeps files that exist on disk.
  const inputs = inputsOf(read);
  for (const [file, content] of [
    [`${target}.inputs.json`, JSON.stringify(inputs, null, 1)],
    [target, code],
  ]) {
    const temp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
