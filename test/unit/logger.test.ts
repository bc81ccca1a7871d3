import fs from 'node:fs';
import { once } from 'node:events';
import { createLogger } from '../../common/logger';
import { tempDir } from '../helpers/tmp';

describe('log files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('are written owner-only', async () => {
    const logger = createLogger(
      { logDir: tmp.dir, logLevel: 'info', logFormat: 'text' },
      { console: false, file: true },
    );
    logger.info('page 1 stored');
    const finished = once(logger, 'finish');
    logger.end();
    await finished;
    const file = logger.filePath!;
    expect(fs.readFileSync(file, 'utf8')).toMatch(/page 1 stored/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
