import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import type { JsonResponse } from './responses';

/**
 * The app side of the emulated shop: the static token of an admin-created app, and a Dev Dashboard app that gets
 * tokens by the client-credentials grant (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/
 * client-credentials-grant): `POST /admin/oauth/access_token` with `grant_type=client_credentials`, `client_id`,
 * `client_secret` → `{access_token, scope, expires_in}`, tokens that expire, and Shopify's OAuth error answers.
 */
export interface DevDashboardApp {
  clientId: string;
  clientSecret: string;
  /** Seconds an issued token lives; Shopify's is 86399 (24 h). Tests use a few seconds. */
  tokenLifetimeSeconds?: number;
  /** false: the app exists but is not installed on this shop (`app_not_installed`). */
  installed?: boolean;
  /** false: the shop belongs to another organization than the app (`shop_not_permitted`). */
  sameOrganization?: boolean;
}

export const TOKEN_PATH = '/admin/oauth/access_token';
export const DEFAULT_SCOPES = ['read_products', 'read_customers', 'read_orders', 'read_all_orders'];

interface Issued {
  expiresAt: number;
}

function oauthError(error: string, description: string): JsonResponse {
  return { status: 400, body: { error, error_description: description }, headers: {} };
}

export class StoreAuth {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly staticToken: string,
    private readonly app: DevDashboardApp | undefined,
    /** The granted scopes, read at each grant: the token's `scope` and GraphQL's accessScopes agree. */
    private readonly scopes: () => readonly string[],
    private readonly clock: () => number = Date.now,
  ) {}

  /** The static token, or an issued token that has not expired. */
  accepts(token: string | string[] | undefined): token is string {
    if (typeof token !== 'string') return false;
    if (token === this.staticToken) return true;
    const issued = this.issued.get(token);
    return issued !== undefined && this.clock() < issued.expiresAt;
  }

  /** Shopify's rate limit is per app and shop: every token issued to the app shares one bucket. */
  bucketKey(token: string): string {
    return this.issued.has(token) && this.app ? `app:${this.app.clientId}` : token;
  }

  /** Every token issued so far, expired ones included (tests grep outputs for them). */
  issuedTokens(): string[] {
    return [...this.issued.keys()];
  }

  async grant(req: IncomingMessage): Promise<JsonResponse> {
    if (req.method !== 'POST') {
      return { status: 405, body: { errors: 'Method Not Allowed' }, headers: { Allow: 'POST' } };
    }
    const form = parseForm(await readBody(req), req.headers['content-type']);
    if (form.grant_type !== 'client_credentials') {
      return oauthError('unsupported_grant_type', 'The authorization grant type is not supported.');
    }
    const app = this.app;
    // Shopify does not document its answer to an unknown client or a wrong secret; this is RFC 6749 §5.2's.
    if (!app || form.client_id !== app.clientId || form.client_secret !== app.clientSecret) {
      return oauthError(
        'invalid_client',
        'Client authentication failed due to unknown client, no client authentication included, or unsupported ' +
          'authentication method.',
      );
    }
    if (app.sameOrganization === false) {
      return oauthError('shop_not_permitted', 'Client credentials cannot be performed on this shop.');
    }
    if (app.installed === false) {
      return oauthError('app_not_installed', 'The application is not installed on this shop.');
    }
    const lifetime = app.tokenLifetimeSeconds ?? 86_399;
    const token = randomBytes(16).toString('hex');
    this.issued.set(token, { expiresAt: this.clock() + lifetime * 1000 });
    return {
      status: 200,
      body: { access_token: token, scope: this.scopes().join(','), expires_in: lifetime },
      headers: {},
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** Shopify's tutorial posts a form; its Node library posts JSON. Both are accepted. */
function parseForm(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}
