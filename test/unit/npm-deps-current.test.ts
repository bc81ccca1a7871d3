import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';

/**
 * scripts/npm-deps-current.js decides whether setup runs `npm ci`: by the installed packages, not by file times (a
 * fresh checkout's lock file is always newer than node_modules, and worktrees share one node_modules).
 */
describe('setup: are the npm dependencies current?', () => {
  const tmp = tempDir('deps-current-');
  afterAll(() => tmp.cleanup());

  const lock = {
    lockfileVersion: 3,
    packages: {
      '': { name: 'x' },
      'node_modules/axios': { version: '1.13.2' },
      'node_modules/@swc/core-darwin-arm64': { version: '1.16.22', optional: true, os: ['darwin'] },
      'node_modules/@swc/core-linux-x64-gnu': { version: '1.16.22', optional: true, os: ['linux'] },
    },
  };

  function check(installed: Record<string, { version: string }> | null): { status: number | null; stderr: string } {
    const dir = fs.mkdtempSync(path.join(tmp.dir, 'p-'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(PROJECT_ROOT, 'scripts', 'npm-deps-current.js'), path.join(dir, 'scripts', 'x.js'));
    fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
    if (installed) {
      fs.mkdirSync(path.join(dir, 'node_modules'));
      const hidden = { lockfileVersion: 3, packages: installed };
      fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify(hidden));
    }
    return spawnSync(process.execPath, [path.join(dir, 'scripts', 'x.js')], { encoding: 'utf8' });
  }

  const linux = {
    'node_modules/axios': { version: '1.13.2' },
    'node_modules/@swc/core-linux-x64-gnu': { version: '1.16.22' },
  };

  it('current: every package installed at its locked version, other platforms’ optional ones aside', () => {
    expect(check(linux)).toMatchObject({ status: 0, stderr: '' });
  });

  it.each([
    [null, 'node_modules is missing'],
    [
      { ...linux, 'node_modules/axios': { version: '1.12.0' } },
      'node_modules/axios is 1.12.0, the lock file wants 1.13.2',
    ],
    [{ 'node_modules/@swc/core-linux-x64-gnu': { version: '1.16.22' } }, 'node_modules/axios is not installed'],
    [{ ...linux, 'node_modules/left-pad': { version: '1.3.0' } }, 'node_modules/left-pad is installed but no longer'],
  ])('stale (%j): exit 1 saying why', (installed, why) => {
    const result = check(installed);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`setup: npm dependencies out of date (${why}`);
  });
});
