import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { AppLogger } from '../common/logger';

const LEVELS: Record<LogLevel, string> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** Where the Web UI shows a run: TEMPORAL_UI_URL and the namespace. */
export interface RunLinks {
  uiUrl: string;
  namespace: string;
}

/**
 * Routes the SDK's and the activities' context logs (which carry workflowId and runId) into winston. Warnings and
 * errors about a run carry the link to it in the Web UI, where its history and retries are.
 */
export class WinstonTemporalLogger implements Logger {
  constructor(
    private readonly logger: AppLogger,
    private readonly links?: RunLinks,
  ) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // Keep what tells a reader which run and step a line is about; drop the SDK's internals (task tokens…).
    const {
      sdkComponent: _component,
      taskQueue: _queue,
      namespace: _ns,
      taskToken: _token,
      isLocal: _local,
      activityId: _activityId,
      workflowType: _type,
      workflowRunId,
      runId,
      attempt,
      ...rest
    } = (meta ?? {}) as Record<string, unknown>;
    const run = workflowRunId ?? runId;
    const workflowId = typeof rest.workflowId === 'string' ? rest.workflowId : undefined;
    const link =
      this.links && workflowId && (level === 'WARN' || level === 'ERROR')
        ? `${this.links.uiUrl}/namespaces/${this.links.namespace}/workflows/${encodeURIComponent(workflowId)}` +
          (typeof run === 'string' ? `/${run}` : '')
        : undefined;
    this.logger.log(LEVELS[level], message, {
      ...(run ? { runId: run } : {}),
      ...(typeof attempt === 'number' && attempt > 1 ? { attempt } : {}),
      ...rest,
      ...(link ? { webUi: link } : {}),
    });
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed = false;

/** The runtime is process-wide and can be installed once; later calls keep the first logger. */
export function installTemporalLogger(logger: AppLogger, links?: RunLinks): void {
  if (installed) return;
  Runtime.install({ logger: new WinstonTemporalLogger(logger, links) });
  installed = true;
}
