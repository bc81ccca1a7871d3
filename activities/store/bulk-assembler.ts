import path from 'node:path';
import { fromThreadError, startModuleThread } from '../module-thread';
import type { AssemblyInput } from './bulk-assembly';
import type { AssembledOnThread, AssemblerData, AssemblerMessage, PrepareFor } from './bulk-assembler-thread';
import type { Db } from './sql';
import { InvalidRecordError } from './upsert';

export type { AssembledOnThread };

/** Batches the assembler thread may have ready ahead of the one being stored: enough to keep both threads busy. */
const AHEAD = 2;

/**
 * The staged result's batches, assembled (and prepared, with `prepare`) on a thread of its own that reads the
 * database through its own connection. The caller stores each batch before asking for the next; the thread is
 * stopped when the caller stops, fails or is cancelled.
 */
export async function* assembleOnThread(
  db: Db,
  input: AssemblyInput,
  prepare: PrepareFor | null,
  signal?: AbortSignal,
): AsyncGenerator<AssembledOnThread> {
  if (db.memory) throw new Error('The bulk ingest needs a database file: its assembler thread opens it too.');
  const data: AssemblerData = { dbFile: db.name, input, prepare, ahead: AHEAD };
  // A batch of 500 orders takes a few MB; without limits of its own the thread would let its garbage pile up.
  const thread = startModuleThread(
    path.join(__dirname, 'bulk-assembler-thread'),
    { ...data },
    {
      maxOldGenerationSizeMb: 48,
      maxYoungGenerationSizeMb: 16,
    },
  );
  const queue: AssemblerMessage[] = [];
  let waiting: (() => void) | undefined;
  let died: Error | undefined;
  const wake = () => {
    waiting?.();
    waiting = undefined;
  };
  thread.on('message', (message: AssemblerMessage) => {
    queue.push(message);
    wake();
  });
  thread.on('error', (error) => {
    died ??= error;
    wake();
  });
  thread.on('exit', (code) => {
    died ??= new Error(`The bulk assembler thread exited (${code}) before it finished`);
    wake();
  });
  const aborted = () => wake();
  signal?.addEventListener('abort', aborted);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const message = queue.shift();
      if (message === undefined) {
        if (died) throw died;
        await new Promise<void>((resolve) => (waiting = resolve));
        continue;
      }
      if (message.kind === 'end') return;
      if (message.kind === 'error') {
        const error = fromThreadError(message.error);
        throw error.name === 'InvalidRecordError' ? InvalidRecordError.fromMessage(error.message) : error;
      }
      const { kind: _kind, ...batch } = message;
      yield batch;
      thread.postMessage('next');
    }
  } finally {
    signal?.removeEventListener('abort', aborted);
    thread.removeAllListeners('exit');
    await thread.terminate();
  }
}
