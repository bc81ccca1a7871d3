import path from 'node:path';
import dotenv from 'dotenv';
import { scopeList } from './connection-report';
import { DEFAULT_TASK_QUEUE } from './contract';

/** Bad configuration: retrying cannot help, a person has to fix the setting named in the message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_API_VERSION = '2026-10';

export interface AppConfig {
  dataDir: string;
  logDir: string;
  logLevel: string;
  logFormat: 'text' | 'json';
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string };
  googleSheetId: string | null;
  /** Service-account key: GOOGLE_APPLICATION_CREDENTIALS or `gspread_credentials.json` at the project root. */
  googleCredentialsFile: string;
  /** Only for tests and proxies: where the Sheets API is (default Google's). */
  googleSheetsRootUrl: string | null;
  /** Pace of Sheets API requests; Google's default quota is 60 write requests per minute per user. */
  sheetsRequestsPerMinute: number;
  /** Prefix formula-like text cells in CSVs with `'` (CSV_NEUTRALIZE_FORMULAS=false turns it off). */
  csvNeutralizeFormulas: boolean;
  /** Mode of files holding customer data (database, CSVs); OUTPUT_FILE_MODE in octal, default 600. */
  outputFileMode: number;
  /** RECONCILE_INTERVAL: how often a sync also reconciles (default a day); null = only when asked (`off`). */
  reconcileIntervalMs: number | null;
  /** RECONCILE_MAX_DELETE_PERCENT: the largest share of a table reconciliation removes without --force (default 5). */
  reconcileMaxShare: number;
}

export interface ShopifyConfig {
  /** The shop's name, e.g. `acme` for acme.myshopify.com: the workflow id and logs use it. */
  store: string;
  baseUrl: string;
  apiVersion: string;
  /** SHOPIFY_API_TOKEN: an admin-created custom app's token (or any offline token). Absent with client credentials. */
  apiToken?: string;
  /** SHOPIFY_CLIENT_ID + SHOPIFY_CLIENT_SECRET: a Dev Dashboard app that gets its tokens by the client-credentials grant. */
  clientCredentials?: { clientId: string; clientSecret: string };
  timeoutMs: number;
}

type Env = Record<string, string | undefined>;

let dotenvLoaded = false;

/** Reads `.env` from the directory the command runs in (the project root for npm scripts); real env wins. */
export function loadDotenv(): void {
  if (dotenvLoaded) return;
  dotenv.config({ path: path.join(process.cwd(), '.env'), quiet: true });
  dotenvLoaded = true;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new ConfigError(`${name} must be a positive whole number (e.g. ${name}=${fallback}), got "${raw}".`);
  }
  return parsed;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (e.g. ${name}=${fallback}), got "${raw}".`);
}

function fileMode(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^0?[0-7]{3}$/.test(raw))
    throw new ConfigError(`${name} must be an octal file mode like 600 or 640, got "${raw}".`);
  return parseInt(raw, 8);
}

const DURATION_UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `12h`, `1d`, or `off`. */
function interval(env: Env, name: string, fallback: string): number | null {
  const raw = (value(env, name) ?? fallback).toLowerCase();
  if (raw === 'off') return null;
  const match = /^(\d+)\s*([smhd])$/.exec(raw);
  if (!match || Number(match[1]) === 0) {
    throw new ConfigError(
      `${name} must be a whole number of seconds, minutes, hours or days, e.g. ${name}=${fallback} (or 12h, 7d), or off, ` +
        `got "${raw}".`,
    );
  }
  return Number(match[1]) * DURATION_UNITS_MS[match[2]];
}

/** A percentage above 0 and at most 100, as a share (5 → 0.05). */
function percent(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback / 100;
  const parsed = Number(raw.replace(/%$/, ''));
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 100) {
    throw new ConfigError(
      `${name} must be a percentage above 0 and at most 100, e.g. ${name}=${fallback}, got "${raw}".`,
    );
  }
  return parsed / 100;
}

/** winston's levels, most to least severe; a level shows itself and everything above it. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

/** host:port, e.g. localhost:7233 (a URL or a bare host is a common slip). */
function address(env: Env, name: string, fallback: string): string {
  const raw = value(env, name) ?? fallback;
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(raw) || Number(raw.split(':').pop()) > 65535) {
    throw new ConfigError(`${name} must be host:port, e.g. ${name}=${fallback}, got "${raw}".`);
  }
  return raw;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = value(env, name) ?? fallback;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${name} must be an http(s) URL, e.g. ${name}=${fallback}, got "${raw}".`);
  }
  return raw.replace(/\/+$/, '');
}

export function loadAppConfig(env: Env = process.env): AppConfig {
  const logFormat = value(env, 'LOG_FORMAT') ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new ConfigError(`LOG_FORMAT must be "text" or "json" (e.g. LOG_FORMAT=json), got "${logFormat}".`);
  }
  const logLevel = value(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (e.g. LOG_LEVEL=debug), got "${logLevel}".`,
    );
  }
  return {
    dataDir: path.resolve(value(env, 'DATA_DIR') ?? 'data'),
    logDir: path.resolve(value(env, 'LOG_DIR') ?? 'logs'),
    logLevel,
    logFormat,
    temporal: {
      address: address(env, 'TEMPORAL_ADDRESS', 'localhost:7233'),
      namespace: value(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: value(env, 'TEMPORAL_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE,
      uiUrl: httpUrl(env, 'TEMPORAL_UI_URL', 'http://localhost:8233'),
    },
    googleSheetId: value(env, 'GOOGLE_SHEET_ID') ?? null,
    googleCredentialsFile: path.resolve(value(env, 'GOOGLE_APPLICATION_CREDENTIALS') ?? 'gspread_credentials.json'),
    googleSheetsRootUrl: value(env, 'GOOGLE_SHEETS_ROOT_URL') ?? null,
    sheetsRequestsPerMinute: positiveInt(env, 'GOOGLE_SHEETS_REQUESTS_PER_MINUTE', 60),
    csvNeutralizeFormulas: flag(env, 'CSV_NEUTRALIZE_FORMULAS', true),
    outputFileMode: fileMode(env, 'OUTPUT_FILE_MODE', 0o600),
    reconcileIntervalMs: interval(env, 'RECONCILE_INTERVAL', '1d'),
    reconcileMaxShare: percent(env, 'RECONCILE_MAX_DELETE_PERCENT', 5),
  };
}

const STORE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Accepts `acme`, `acme.myshopify.com` or `https://acme.myshopify.com/` and returns `acme`. */
export function parseStoreName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '')
    .replace(/\.myshopify\.com$/, '');
  if (!STORE_NAME.test(name)) {
    throw new ConfigError(
      `SHOPIFY_STORE "${raw}" is not a Shopify store name. Use the name from your admin URL: ` +
        `"acme" or "acme.myshopify.com" (letters, digits and dashes).`,
    );
  }
  return name;
}

const TWO_WAYS =
  'Shopify credentials come one of two ways: SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET of a Dev Dashboard app ' +
  'installed on the store (the worker exchanges them for tokens), or SHOPIFY_API_TOKEN, the Admin API access token of ' +
  'a custom app created in the store admin (or any offline token).';

function credentials(env: Env): Pick<ShopifyConfig, 'apiToken' | 'clientCredentials'> {
  const apiToken = value(env, 'SHOPIFY_API_TOKEN');
  const clientId = value(env, 'SHOPIFY_CLIENT_ID');
  const clientSecret = value(env, 'SHOPIFY_CLIENT_SECRET');
  for (const [name, setting] of [
    ['SHOPIFY_API_TOKEN', apiToken],
    ['SHOPIFY_CLIENT_ID', clientId],
    ['SHOPIFY_CLIENT_SECRET', clientSecret],
  ] as const) {
    if (setting && /\s/.test(setting)) {
      const what = name === 'SHOPIFY_API_TOKEN' ? 'the token' : 'it';
      throw new ConfigError(`${name} contains whitespace; copy ${what} again without spaces or quotes.`);
    }
  }
  if (apiToken && (clientId || clientSecret)) {
    throw new ConfigError(
      `Both SHOPIFY_API_TOKEN and ${clientId ? 'SHOPIFY_CLIENT_ID' : 'SHOPIFY_CLIENT_SECRET'} are set: keep one way ` +
        `and remove the other. ${TWO_WAYS}`,
    );
  }
  if (apiToken) return { apiToken };
  if (clientId && clientSecret) return { clientCredentials: { clientId, clientSecret } };
  const missing = clientId ? 'SHOPIFY_CLIENT_SECRET' : 'SHOPIFY_CLIENT_ID';
  throw new ConfigError(
    `${clientId ? 'SHOPIFY_CLIENT_ID' : 'SHOPIFY_CLIENT_SECRET'} is set but ${missing} is not: the Dev Dashboard ` +
      `app's settings page shows both (Settings → Client ID and Secret). ${TWO_WAYS}`,
  );
}

export function loadShopifyConfig(env: Env = process.env): ShopifyConfig {
  const noCredentials = ['SHOPIFY_API_TOKEN', 'SHOPIFY_CLIENT_ID', 'SHOPIFY_CLIENT_SECRET'].every(
    (name) => value(env, name) === undefined,
  );
  const missing = [
    ...(value(env, 'SHOPIFY_STORE') === undefined ? ['SHOPIFY_STORE'] : []),
    ...(noCredentials ? ['SHOPIFY_API_TOKEN'] : []),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set` +
        `${noCredentials ? ' (nor SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET)' : ''}. Put them in .env at the ` +
        `project root (see .env.example) or in the environment. ${noCredentials ? `${TWO_WAYS} ` : ''}` +
        `The app needs the ${scopeList()} scopes.`,
    );
  }
  const store = parseStoreName(value(env, 'SHOPIFY_STORE')!);
  const auth = credentials(env);
  const apiVersion = value(env, 'SHOPIFY_API_VERSION') ?? DEFAULT_API_VERSION;
  if (!/^\d{4}-(01|04|07|10)$/.test(apiVersion) && apiVersion !== 'unstable') {
    throw new ConfigError(
      `SHOPIFY_API_VERSION "${apiVersion}" is not a Shopify API version. Versions look like ` +
        `"${DEFAULT_API_VERSION}" (year and quarter month: 01, 04, 07 or 10).`,
    );
  }
  refuseRemovedApiSetting(value(env, 'SHOPIFY_API'));
  const baseUrl = value(env, 'SHOPIFY_BASE_URL') ?? `https://${store}.myshopify.com`;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ConfigError(`SHOPIFY_BASE_URL "${baseUrl}" is not a URL, e.g. http://127.0.0.1:4010.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`SHOPIFY_BASE_URL "${baseUrl}" must start with http:// or https://.`);
  }
  return {
    store,
    baseUrl: parsed.origin,
    apiVersion,
    ...auth,
    timeoutMs: positiveInt(env, 'SHOPIFY_TIMEOUT_MS', 30_000),
  };
}

/**
 * SHOPIFY_API chose between the REST and GraphQL Admin APIs until REST was removed. `graphql`, left in a `.env` from
 * when it was the opt-in, is what happens anyway and is ignored; anything else stops the worker rather than leave a
 * user believing they still read REST.
 */
function refuseRemovedApiSetting(api: string | undefined): void {
  if (api === undefined || api.toLowerCase() === 'graphql') return;
  throw new ConfigError(
    `SHOPIFY_API=${api}: the REST Admin API client was removed; the sync reads Shopify through the GraphQL Admin API ` +
      `only (same tables and columns). Remove SHOPIFY_API from .env and the environment, then start the worker again. ` +
      `The first sync after the upgrade reads every record again (see the README, "Upgrading from a REST version").`,
  );
}
