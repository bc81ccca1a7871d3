import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Child process of prebuiltWorkflowBundle: bundles `workflows/` into the file named by argv[2], atomically. */
async function main(): Promise<void> {
  const target = process.argv[2];
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const temp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(temp, code);
  fs.renameSync(temp, target);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
