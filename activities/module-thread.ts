import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Starts a module of this project on a worker thread, whether the project runs compiled (`dist/`, `.js`) or from
 * its sources (tsx, Jest: `.ts`). A thread gets no loader from its parent, so for a `.ts` module it registers tsx's
 * require hook first (tsx is a dev dependency: installed wherever the sources run).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsxApi) require(workerData.tsxApi).register();
require(workerData.entry);
`;

export function startModuleThread(
  /** The module's path without its extension, e.g. `path.join(__dirname, 'bulk-assembler-thread')`. */
  modulePath: string,
  data: Record<string, unknown>,
  resourceLimits?: ResourceLimits,
): Worker {
  const fromSources = path.extname(__filename) === '.ts';
  const workerData = {
    ...data,
    entry: `${modulePath}${fromSources ? '.ts' : '.js'}`,
    tsxApi: fromSources ? require.resolve('tsx/cjs/api') : null,
  };
  return new Worker(BOOTSTRAP, { eval: true, workerData, resourceLimits });
}

/** An error as a thread posts it: structured clone keeps neither its class nor an ApplicationFailure's fields. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  /** SQLite's or the system's error code. */
  code?: string;
  failure?: { type?: string; nonRetryable: boolean };
}

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const posted: ThreadError = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') posted.code = code;
  if (error instanceof ApplicationFailure)
    posted.failure = { type: error.type ?? undefined, nonRetryable: error.nonRetryable === true };
  return posted;
}

/** The error again on the calling thread: an ApplicationFailure as one, any other as an Error with its code. */
export function fromThreadError(posted: ThreadError): Error {
  if (posted.failure) return ApplicationFailure.create({ message: posted.message, ...posted.failure });
  const error = Object.assign(
    new Error(posted.message),
    { name: posted.name },
    posted.code ? { code: posted.code } : {},
  );
  if (posted.stack) error.stack = posted.stack;
  return error;
}
