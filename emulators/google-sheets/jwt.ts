import { generateKeyPairSync, sign, type KeyObject } from 'crypto';
import { SHEETS_AUDIENCE } from './auth';

export { SHEETS_AUDIENCE };

export interface ServiceAccountKeys {
  privateKey: string;
  publicKey: string;
}

/** A fresh RSA key pair in PEM form, like a service account key (private: PKCS#8, public: SPKI). */
export function generateServiceAccountKeys(): ServiceAccountKeys {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

export interface JwtOverrides {
  /** Seconds since the epoch; defaults to now. */
  iat?: number;
  /** Defaults to iat + 3600, like google-auth-library. */
  exp?: number;
  /** Sign with a `scope` claim (space-separated) instead of `aud`, as `useJWTAccessWithScope` does. */
  scope?: string;
  kid?: string;
}

/**
 * A self-signed service-account JWT (RS256) as google-auth-library's JWTAccess builds it:
 * iss = sub = client_email, and either aud (the API's root URL) or scope.
 */
export function signServiceAccountJwt(
  privateKeyPem: string | KeyObject,
  clientEmail: string,
  aud = SHEETS_AUDIENCE,
  overrides: JwtOverrides = {},
): string {
  const iat = overrides.iat ?? Math.floor(Date.now() / 1000);
  const exp = overrides.exp ?? iat + 3600;
  const header = { alg: 'RS256', typ: 'JWT', ...(overrides.kid ? { kid: overrides.kid } : {}) };
  const audience = overrides.scope !== undefined ? { scope: overrides.scope } : { aud };
  const claims = { iss: clientEmail, sub: clientEmail, ...audience, exp, iat };
  const signedText = `${encode(header)}.${encode(claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signedText), privateKeyPem).toString('base64url');
  return `${signedText}.${signature}`;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
