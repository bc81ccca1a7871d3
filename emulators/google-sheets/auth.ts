import { createPublicKey, verify, type KeyObject } from 'crypto';
import { insufficientScopes, unauthenticated } from './api-error';

export const SHEETS_AUDIENCE = 'https://sheets.googleapis.com/';

const CLOCK_SKEW_SECONDS = 300;
// Google refuses self-signed JWTs that live longer than an hour.
const MAX_LIFETIME_SECONDS = 3600;

const WRITE_SCOPES = new Set([
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
]);
const READ_ONLY_SCOPES = new Set([
  'https://www.googleapis.com/auth/spreadsheets.readonly',
  'https://www.googleapis.com/auth/drive.readonly',
]);

export interface Caller {
  email: string;
  canRead: boolean;
  canWrite: boolean;
}

/** Checks service-account self-signed JWTs (RS256), as sent by google-auth-library's JWTAccess. */
export class JwtVerifier {
  private readonly keys = new Map<string, KeyObject>();

  constructor(accounts: Record<string, string | KeyObject>) {
    for (const [email, key] of Object.entries(accounts)) this.keys.set(email, toPublicKey(key));
  }

  /** Throws 401 for anything but a valid token, 403 when its scopes do not cover the Sheets API. */
  verify(authorization: string | undefined, nowMs = Date.now()): Caller {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const parts = token?.split('.');
    if (!parts || parts.length !== 3) throw unauthenticated();
    const [headerPart, payloadPart, signaturePart] = parts;

    const header = decodeJson(headerPart);
    const claims = decodeJson(payloadPart);
    if (header?.alg !== 'RS256' || !claims) throw unauthenticated();

    const email = claims.iss;
    const key = typeof email === 'string' ? this.keys.get(email) : undefined;
    if (!key || typeof email !== 'string') throw unauthenticated();
    // Domain-wide delegation (sub ≠ iss) needs the OAuth token endpoint, which this emulator does not provide.
    if (claims.sub !== undefined && claims.sub !== email) throw unauthenticated();
    if (!signatureMatches(`${headerPart}.${payloadPart}`, signaturePart, key)) throw unauthenticated();
    if (!isWithinLifetime(claims.iat, claims.exp, nowMs / 1000)) throw unauthenticated();

    if (typeof claims.scope === 'string') {
      const scopes = claims.scope.split(/\s+/);
      const canWrite = scopes.some((s) => WRITE_SCOPES.has(s));
      const canRead = canWrite || scopes.some((s) => READ_ONLY_SCOPES.has(s));
      if (!canRead) throw insufficientScopes();
      return { email, canRead, canWrite };
    }
    if (claims.aud === SHEETS_AUDIENCE || claims.aud === SHEETS_AUDIENCE.slice(0, -1)) {
      return { email, canRead: true, canWrite: true };
    }
    throw unauthenticated();
  }
}

function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'public' ? key : createPublicKey(key);
  // createPublicKey also accepts a private key or an X.509 certificate PEM and derives the public half.
  return createPublicKey(key);
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function signatureMatches(signedText: string, signaturePart: string, key: KeyObject): boolean {
  try {
    return verify('RSA-SHA256', Buffer.from(signedText), key, Buffer.from(signaturePart, 'base64url'));
  } catch {
    return false;
  }
}

function isWithinLifetime(iat: unknown, exp: unknown, nowSeconds: number): boolean {
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  if (exp + CLOCK_SKEW_SECONDS <= nowSeconds) return false;
  if (iat - CLOCK_SKEW_SECONDS > nowSeconds) return false;
  return exp > iat && exp - iat <= MAX_LIFETIME_SECONDS;
}
