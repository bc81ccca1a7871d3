import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CheckpointMovedError } from './store/checkpoints';
import { corruptDatabaseFailure, DATABASE_FILE, diskFullFailure } from './store/database';
import { InvalidRecordError } from './store/upsert';

/**
 * Local failures any activity can meet, as the Temporal failure that says whether retrying helps and what to do: a
 * damaged database (found by any statement, not only at open), a full disk, a record the store refuses, a checkpoint
 * moved by another attempt. Shopify's and Google's answers are mapped where their responses are read (the clients).
 */
export function knownFailure(error: unknown, dataDir: string): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof InvalidRecordError) return ApplicationFailure.nonRetryable(error.message, 'InvalidRecord');
  if (error instanceof CheckpointMovedError) return ApplicationFailure.retryable(error.message, 'CheckpointMoved');
  return corruptDatabaseFailure(path.join(dataDir, DATABASE_FILE), error) ?? diskFullFailure(dataDir, error) ?? error;
}

/** Applies knownFailure to every activity the worker runs (registered in createSyncWorker). */
export function knownErrorsInterceptor(dataDir: string): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          throw knownFailure(error, dataDir);
        }
      },
    },
  });
}
