import { ApiError, badRequest } from './api-error';

export type JsonObject = Record<string, unknown>;

/** Errors about the shape of the JSON itself, which batch endpoints report without naming the sub-request. */
export function isPayloadError(error: ApiError): boolean {
  return error.message.startsWith('Invalid value at') || error.message.startsWith('Invalid JSON payload');
}

function invalidValue(path: string, type: string, value: unknown): ApiError {
  const snakePath = path.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  return badRequest(`Invalid value at '${snakePath}' (${type}), ${JSON.stringify(value)}`);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  throw invalidValue(path, 'type.googleapis.com/google.protobuf.Struct', value);
}

export function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return value === undefined ? undefined : asObject(value, path);
}

/** An int32 field; proto3 JSON also accepts it as a decimal string. */
export function optionalInt(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1) return n;
  throw invalidValue(path, 'TYPE_INT32', value);
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw invalidValue(path, 'TYPE_STRING', value);
}

/** An enum field: one of `allowed`, or undefined when absent. */
export function optionalEnum<T extends string>(value: unknown, path: string, type: string, allowed: readonly T[]) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidValue(path, `type.googleapis.com/google.apps.sheets.v4.${type}`, value);
}

export function optionalList(value: unknown, path: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  throw invalidValue(path, 'type.googleapis.com/google.protobuf.ListValue', value);
}
