/**
 * A customer's personal data taken out of a record, by the declarations in resources.ts: the raw record is scrubbed
 * (so `raw_json` and every column derived from it lose it), then the columns marked `personal` are blanked.
 */
import type { ApiRecord, PersonalKeys, TableSpec } from './resources';

/**
 * What an address keeps: the geography the analytics and the Geographic dashboard use, and its own ids (REST's keys,
 * then GraphQL's MailingAddress names for the same).
 */
export const ADDRESS_KEPT_KEYS = [
  'id',
  'customer_id',
  'default',
  'country',
  'country_code',
  'country_name',
  'province',
  'province_code',
  'countryCodeV2',
  'provinceCode',
];

function scrubAddress(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubAddress);
  if (value === null || typeof value !== 'object') return null;
  const kept: ApiRecord = {};
  for (const key of ADDRESS_KEPT_KEYS) if (key in (value as ApiRecord)) kept[key] = (value as ApiRecord)[key];
  return kept;
}

function scrubValue(value: unknown, rule: PersonalKeys[string]): unknown {
  if (value === null || value === undefined) return value;
  if (rule === 'drop') return null;
  if (rule === 'address') return scrubAddress(value);
  if (Array.isArray(value)) return value.map((element) => scrubValue(element, rule));
  return typeof value === 'object' ? scrubRecord(value as ApiRecord, rule) : value;
}

/** A copy of the record without its personal data (keys kept, values null), the record itself left unchanged. */
export function scrubRecord(record: ApiRecord, keys: PersonalKeys): ApiRecord {
  const scrubbed: ApiRecord = { ...record };
  for (const [key, rule] of Object.entries(keys)) {
    if (key in scrubbed) scrubbed[key] = scrubValue(scrubbed[key], rule);
  }
  return scrubbed;
}

/** The row's values with the table's personal columns blanked. */
export function blankPersonalColumns(table: TableSpec, values: unknown[]): unknown[] {
  return values.map((value, i) => (table.columns[i].personal ? null : value));
}
