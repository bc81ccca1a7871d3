import fs from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';
import winston from 'winston';
import { redact } from './redact';
import type { AppConfig } from './config';

/**
 * An Error as a log field: its type and message (JSON.stringify of an Error keeps neither, which printed
 * `{"error":{}}`), and the messages of its causes (a workflow's failure wraps the activity's, which says what to do).
 */
/** Also an Error made in another realm (the workflow sandbox), which `instanceof Error` does not recognise. */
export function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

export function errorFields(error: Error): { type: string; message: string; cause?: string } {
  const type = (error as { type?: unknown }).type;
  const causes: string[] = [];
  for (let cause = error.cause; isError(cause) && causes.length < 5; cause = cause.cause) {
    if (cause.message && cause.message !== error.message) causes.push(cause.message);
  }
  return {
    type: typeof type === 'string' && type ? type : error.name,
    message: error.message,
    ...(causes.length > 0 ? { cause: causes.join(' ← ') } : {}),
  };
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (isError(info[key])) info[key] = errorFields(info[key]);
    const v = info[key];
    if (typeof v === 'string') info[key] = redact(v);
    else if (v && typeof v === 'object') info[key] = JSON.parse(redact(JSON.stringify(v)));
  }
  return info;
});

const textLine = winston.format.printf(({ timestamp, level, message, ...meta }) => {
  const { workflowId, runId, activityType, ...rest } = meta as Record<string, unknown>;
  const step = activityType ? ` ${String(activityType)}` : '';
  const ids = workflowId ? ` [${String(workflowId)}${runId ? ` ${String(runId)}` : ''}${step}]` : '';
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${String(timestamp)} ${level}${ids}: ${String(message)}${extra}`;
});

/** `shopify_sync_YYYYMMDD_HHMMSS.log`, the original pipeline's name, in local time like its Python logger. */
export function logFileName(now = new Date(), sequence = 1): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const time = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `shopify_sync_${date}_${time}${sequence > 1 ? `_${sequence}` : ''}.log`;
}

/**
 * Claims this process's log file by creating it exclusively: a second process started in the same second gets
 * `…_HHMMSS_2.log` instead of interleaving its lines into the first one's file.
 */
export function claimLogFile(dir: string, now = new Date()): string {
  for (let sequence = 1; ; sequence++) {
    const file = path.join(dir, logFileName(now, sequence));
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || sequence >= 1000) throw error;
    }
  }
}

export interface LoggerOptions {
  /** Also write a file per process start under LOG_DIR (the worker and the CLI do; tests may not). */
  file?: boolean;
  /** Console output on stderr keeps stdout for the command's own output. */
  console?: boolean;
}

export function createLogger(
  config: Pick<AppConfig, 'logDir' | 'logLevel' | 'logFormat'>,
  options: LoggerOptions = {},
) {
  const shape = config.logFormat === 'json' ? winston.format.json() : textLine;
  const transports: winston.transport[] = [];
  if (options.console !== false) {
    transports.push(new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose'] }));
  }
  let filePath: string | undefined;
  if (options.file) {
    fs.mkdirSync(config.logDir, { recursive: true });
    filePath = claimLogFile(config.logDir);
    // Rotated by size; winston numbers the older parts and keeps a bounded count. Owner-only, like the outputs:
    // lines name the store and can quote Shopify's and Google's error bodies.
    transports.push(
      new winston.transports.File({
        filename: filePath,
        maxsize: 10 * 1024 * 1024,
        maxFiles: 5,
        options: { flags: 'a', mode: 0o600 },
      }),
    );
  }
  const logger = winston.createLogger({
    level: config.logLevel,
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), shape),
    transports,
  });
  return Object.assign(logger, { filePath });
}

export type AppLogger = ReturnType<typeof createLogger>;
