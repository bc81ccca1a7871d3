/** Shop timestamps: generated data is anchored to a fixed date so it does not depend on today. */

export const DAY_MS = 86_400_000;
export const ANCHOR_MS = Date.UTC(2026, 5, 30);
/** Generated updated_at never exceeds created_at by more than this; the query planner relies on it. */
export const MAX_UPDATE_DELAY_MS = 30 * DAY_MS;

const { floor } = Math; // see prng.ts: global lookups are slow under jest

export function floorToSecond(ms: number): number {
  return floor(ms / 1000) * 1000;
}

const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

export function offsetMinutes(offset: string): number {
  const m = OFFSET_RE.exec(offset);
  if (!m) throw new Error(`utcOffset must look like -04:00, got ${offset}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Formats like Shopify: 2024-03-01T10:00:00-04:00 (seconds precision, shop offset). */
export function formatTimestamp(ms: number, offset: string): string {
  return timestampFormatter(offset)(ms);
}

export function timestampFormatter(offset: string): (ms: number) => string {
  const shift = offsetMinutes(offset) * 60_000;
  return (ms) => formatShifted(new Date(floorToSecond(ms) + shift), offset);
}

function formatShifted(local: Date, offset: string): string {
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${offset}`
  );
}

/**
 * Parses a filter value into an instant. Values without an offset are read in the shop's timezone,
 * as Shopify does; a '+' that URL-decoding turned into a space is tolerated.
 */
export function parseInstant(value: string, shopOffset: string): number | undefined {
  let v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) v += 'T00:00:00';
  v = v.replace(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)/, '$1T$2');
  v = v.replace(/ (\d{2}:?\d{2})$/, '+$1');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) v += shopOffset;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}
