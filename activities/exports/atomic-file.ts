/**
 * Replace-by-rename file writing: content goes to `<target>.tmp-<pid>-<random>` in the target's folder, is fsynced
 * and only then renamed over the target, so readers see the old file or the new one, never a partial one.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export interface AtomicWriteOptions {
  /** Mode of the new file; applied with chmod, so the umask does not loosen or tighten it. Default 0o600. */
  mode?: number;
}

/** A complete, fsynced temp file waiting to be renamed over its target. */
export interface StagedFile {
  target: string;
  temp: string;
  bytes: number;
}

/** Writes the content; it may end `out` itself (e.g. by piping into it) or leave that to the caller. */
export type ContentWriter = (out: Writable) => Promise<void>;

/** Temp files this process is writing or has staged and not yet renamed or discarded. */
const ownTemps = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `<target>.tmp-<pid>-<random>` files (and folders) left by a writer that died before renaming them (a SIGKILLed worker):
 * those of processes no longer running, and this process's own that it no longer tracks (a restarted container
 * often gets the same pid). Temp files of a live process, e.g. a second worker on the same folder, are kept.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.tmp-`;
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length)) : null;
    if (!match) continue;
    const file = path.join(dir, name);
    const pid = Number(match[1]);
    if (ownTemps.has(file) || (pid !== process.pid && isRunning(pid))) continue;
    await removeQuietly(file);
    removed.push(file);
  }
  return removed;
}

async function removeQuietly(file: string): Promise<void> {
  await fs.promises.rm(file, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * A new folder `<target>.tmp-<pid>-<random>` next to `target`, to build a whole folder in and rename into place;
 * stale ones left by dead writers are removed first, as for files. Call `release` once it is renamed or removed.
 */
export async function stagingFolder(target: string): Promise<{ dir: string; release: () => void }> {
  await removeStaleTemps(target);
  const dir = tempName(target);
  await fs.promises.mkdir(dir);
  ownTemps.add(dir);
  return { dir, release: () => ownTemps.delete(dir) };
}

/** `<target>.tmp-<pid>-<random>`: what removeStaleTemps recognizes as this process's. */
export function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames in `dir` durable; some platforms (Windows) cannot open a folder, which is fine to skip. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort only: the rename itself has already happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes a temp file next to `target`; on any failure the temp file is removed and the error rethrown. */
export async function stageFile(
  target: string,
  write: ContentWriter,
  options: AtomicWriteOptions = {},
): Promise<StagedFile> {
  const mode = options.mode ?? 0o600;
  await removeStaleTemps(target);
  const temp = tempName(target);
  ownTemps.add(temp);
  // 'wx': never write through a file (or symlink) that somebody else put at the temp name.
  const out = fs.createWriteStream(temp, { flags: 'wx', mode });
  let created = false;
  try {
    await once(out, 'open');
    created = true;
    await fs.promises.chmod(temp, mode);
    await write(out);
    if (!out.writableEnded) out.end();
    await finished(out);
    await fsyncFile(temp);
    return { target, temp, bytes: out.bytesWritten };
  } catch (error) {
    out.destroy();
    await finished(out).catch(() => undefined);
    if (created) await removeQuietly(temp);
    ownTemps.delete(temp);
    throw error;
  }
}

/** Renames staged files over their targets, in order, then fsyncs their folders. */
export async function commitStaged(files: StagedFile[]): Promise<void> {
  for (const file of files) {
    await fs.promises.rename(file.temp, file.target);
    ownTemps.delete(file.temp);
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.target)))) await fsyncDir(dir);
}

export async function discardStaged(files: StagedFile[]): Promise<void> {
  for (const file of files) {
    await removeQuietly(file.temp);
    ownTemps.delete(file.temp);
  }
}

/** Atomically replaces `target` with what `write` produces; returns the bytes written. */
export async function writeFileAtomic(
  target: string,
  write: ContentWriter,
  options: AtomicWriteOptions = {},
): Promise<number> {
  const staged = await stageFile(target, write, options);
  try {
    await commitStaged([staged]);
  } catch (error) {
    await discardStaged([staged]);
    throw error;
  }
  return staged.bytes;
}
