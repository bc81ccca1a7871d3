import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';

/** scripts/test-prerequisites.sh, which `npm test` runs before jest, on a machine without what it checks. */
describe('npm test names what it is missing before running', () => {
  const bin = tempDir('prereq-bin-');
  afterAll(() => bin.cleanup());

  it('says docker-compose and root are missing, how to get them, and exits 1', () => {
    // A PATH with sh and a non-root `id`, and no docker-compose.
    fs.symlinkSync('/bin/sh', path.join(bin.dir, 'sh'));
    fs.writeFileSync(path.join(bin.dir, 'id'), '#!/bin/sh\necho 1000\n', { mode: 0o755 });
    const run = spawnSync('/bin/sh', ['scripts/test-prerequisites.sh'], {
      cwd: PROJECT_ROOT,
      env: { PATH: bin.dir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm test cannot run every test on this machine; missing:');
    expect(run.stderr).toContain('- docker-compose (the static compose check): apt-get install docker-compose');
    expect(run.stderr).toContain('- root, to mount the small tmpfs of the disk-full and read-only cases');
    expect(run.stderr).toContain('run .ci/run as root, which does');
  });
});
