import fs from 'node:fs';
import path from 'node:path';
import { cachedBundle, inputsOf } from '../../worker/workflow-bundle';
import { tempDir } from '../helpers/tmp';

/** Two checkouts of the project on one machine share the bundle cache under /tmp; each must get its own code. */
describe('workflow bundle cache', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  function checkout(name: string, source: string): string {
    const entry = path.join(dir.dir, name, 'workflows', 'index.ts');
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, source);
    return entry;
  }

  function cache(name: string, entry: string): string {
    const cacheDir = path.join(dir.dir, 'cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(path.join(cacheDir, `${name}.js`), `// bundle of ${entry}`);
    fs.writeFileSync(path.join(cacheDir, `${name}.inputs.json`), JSON.stringify(inputsOf([entry])));
    return cacheDir;
  }

  it('reuses a bundle only for the checkout it was built from, and only while its inputs are unchanged', () => {
    const mine = checkout('clone-a', "export { shopifySync } from './sync';\n");
    const other = checkout('clone-b', "export { shopifySync, redactCustomer } from './sync';\n");
    const cacheDir = cache('workflow-bundle-a', mine);

    expect(cachedBundle(cacheDir, mine)).toBe(path.join(cacheDir, 'workflow-bundle-a.js'));
    expect(cachedBundle(cacheDir, other)).toBeUndefined();

    fs.appendFileSync(mine, "export { redactCustomer } from './redact-customer';\n");
    expect(cachedBundle(cacheDir, mine)).toBeUndefined();
  });
});
