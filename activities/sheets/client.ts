import { auth, sheets, sheets_v4 } from '@googleapis/sheets';
import type { ServiceAccount } from './credentials';

/**
 * A Sheets v4 client authenticated as the service account with a self-signed JWT (Google accepts it for service
 * accounts; no token exchange). `rootUrl` points it elsewhere, e.g. at the test emulator.
 */
export function sheetsClient(account: ServiceAccount, rootUrl?: string): sheets_v4.Sheets {
  const jwt = new auth.JWT({
    email: account.client_email,
    key: account.private_key,
    scopes: ['https://www.googleapis.com/auth/spreadsheets'],
  });
  // Must be set on the instance: the constructor ignores it.
  jwt.useJWTAccessWithScope = true;
  return sheets({
    version: 'v4',
    auth: jwt,
    ...(rootUrl ? { rootUrl } : {}),
    // Failed requests are retried by Temporal (visible in the Web UI), not silently inside the client.
    retry: false,
    // Node's own fetch: gaxios would otherwise load node-fetch with a dynamic import.
    fetchImplementation: fetch,
  });
}
