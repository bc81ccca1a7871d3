import { openDatabase } from '../../activities/store/database';
import type { Db } from '../../activities/store/sql';
import { tempDir } from './tmp';

/**
 * A fresh database in its own temp directory for each test of the calling `describe`, closed and removed after it:
 * `use` receives both (`withTempDatabase((d, p) => ((db = d), (dir = p)))`).
 */
export function withTempDatabase(use: (db: Db, dir: string) => void): void {
  let db: Db | undefined;
  let cleanup = () => undefined as void;
  beforeEach(() => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    db = openDatabase(temp.dir);
    use(db, temp.dir);
  });
  afterEach(() => {
    db?.close();
    cleanup();
  });
}
