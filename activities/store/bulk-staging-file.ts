/**
 * The file a bulk ingest stages its download in (bulk-ingest.ts): beside the database, the result's bytes at their
 * own offsets, so that `bulk_staging` only says where each line is. Through SQLite the lines' text would be written
 * twice (WAL, then database) and read back through overflow pages.
 */
import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Creates the file if it is missing, with the database file's mode (0600 unless configured otherwise: it holds the
 * same customers' data), which the umask cannot loosen.
 */
export function createStagingFile(file: string, dbFile: string): void {
  const mode = fs.statSync(dbFile).mode & 0o777;
  fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, mode));
  fs.chmodSync(file, mode);
}

/** Whether the file holds at least the bytes an ingest committed (a crash of the machine may have lost its tail). */
export function holdsStagedBytes(file: string, bytes: number): boolean {
  try {
    return fs.statSync(file).size >= bytes;
  } catch {
    return false;
  }
}

const ZEROS = Buffer.alloc(1024 * 1024);

/**
 * Removes the file; with `erase`, its bytes are overwritten with zeros (and synced) first, because it holds what an
 * erasure removed from the rows (Shopify still serves it until the customer is gone there).
 */
export function removeStagingFile(file: string, erase: boolean): void {
  try {
    if (erase) {
      const fd = fs.openSync(file, 'r+');
      try {
        const size = fs.fstatSync(fd).size;
        for (let at = 0; at < size; at += ZEROS.length)
          fs.writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, size - at), at);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Where a staged line is in the file; `length` may include its newline. */
export interface StagedRange {
  offset: number;
  length: number;
}

/** Lines this close together are read with one read (what lies between is read and skipped). */
const MAX_GAP = 64 * 1024;
const MAX_RUN = 1024 * 1024;

export const STAGING_DAMAGED = 'BulkStagingDamaged';

/**
 * The staged file is not what was downloaded (cut short or damaged outside this program, or a line Shopify sent
 * damaged): retryable, and the ingest drops its staging so that the retry downloads the result again.
 */
export function stagingDamaged(operationId: string, what: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `The staged result of bulk operation ${operationId} ${what}; the ingest starts again from the result's first byte.`,
    STAGING_DAMAGED,
  );
}

/** Reads staged lines' text, lines near each other in the file with one read. */
export class StagedLineReader {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(MAX_RUN);

  constructor(
    readonly file: string,
    private readonly operationId: string,
  ) {
    this.fd = fs.openSync(file, 'r');
  }

  /** The texts of the ranges, in the order given. */
  texts(ranges: StagedRange[]): string[] {
    const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].offset - ranges[b].offset);
    const texts: string[] = new Array<string>(ranges.length);
    for (let first = 0; first < order.length;) {
      const start = ranges[order[first]].offset;
      let end = start + ranges[order[first]].length;
      let last = first + 1;
      for (; last < order.length; last += 1) {
        const next = ranges[order[last]];
        const nextEnd = Math.max(end, next.offset + next.length);
        if (next.offset - end > MAX_GAP || nextEnd - start > MAX_RUN) break;
        end = nextEnd;
      }
      const bytes = this.read(start, end - start);
      for (let k = first; k < last; k += 1) {
        const { offset, length } = ranges[order[k]];
        texts[order[k]] = bytes.toString('utf8', offset - start, offset - start + length);
      }
      first = last;
    }
    return texts;
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private read(position: number, length: number): Buffer {
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.fd, this.buffer, got, length - got, position + got);
      if (n === 0) {
        throw stagingDamaged(
          this.operationId,
          `(${this.file}) ends at byte ${position + got}, before a staged line that ends at byte ${position + length}`,
        );
      }
      got += n;
    }
    return this.buffer.subarray(0, length);
  }
}
