import axios from 'axios';
import { ApplicationFailure } from '@temporalio/common';
import { redact, registerSecret } from '../../common/redact';

/** Shopify's page on the grant, named in every message that asks a person to act. */
export const CLIENT_CREDENTIALS_DOCS =
  'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant';

export interface IssuedToken {
  token: string;
  /** Comma-separated scopes, as Shopify answers them. */
  scope: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  issuedAt: number;
}

export interface ExchangeRequest {
  store: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * The client-credentials grant: `POST {base}/admin/oauth/access_token` with `grant_type=client_credentials`,
 * `client_id` and `client_secret` (form-encoded, as Shopify's tutorial sends them) → `{access_token, scope, expires_in}`.
 * The issued token is registered for redaction before anything else can see it.
 */
export async function exchangeClientCredentials(request: ExchangeRequest): Promise<IssuedToken> {
  const now = request.now ?? Date.now;
  const url = `${request.baseUrl}/admin/oauth/access_token`;
  const issuedAt = now();
  let status: number;
  let body: string;
  try {
    const response = await axios.post<string>(
      url,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: request.clientId,
        client_secret: request.clientSecret,
      }).toString(),
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        timeout: request.timeoutMs,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxRedirects: 0,
      },
    );
    status = response.status;
    body = String(response.data ?? '');
  } catch (error) {
    // Only the message: the axios error carries the request, whose body holds the secret.
    const code = axios.isAxiosError(error) ? (error.code ?? '') : '';
    const what =
      code === 'ECONNABORTED' || code === 'ETIMEDOUT'
        ? `timed out after ${request.timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
    throw ApplicationFailure.retryable(
      redact(`Could not reach Shopify store "${request.store}" for an access token at ${url}: ${what}; will retry.`),
      'ShopifyUnavailable',
    );
  }
  const parsed = parseJson(body);
  if (status >= 200 && status < 300) {
    const token = parsed?.access_token;
    const expiresIn = Number(parsed?.expires_in);
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw ApplicationFailure.retryable(
        `Shopify store "${request.store}" answered the token request without an access_token and expires_in; will retry.`,
        'ShopifyBadResponse',
      );
    }
    registerSecret(token);
    return {
      token,
      scope: typeof parsed?.scope === 'string' ? parsed.scope : '',
      expiresAt: issuedAt + expiresIn * 1000,
      issuedAt,
    };
  }
  throw exchangeFailure(request.store, status, parsed, body);
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A refused grant names the cause Shopify gave (OAuth's `error`/`error_description`) and what to do about it. */
export function exchangeFailure(
  store: string,
  status: number,
  parsed: Record<string, unknown> | undefined,
  body: string,
): ApplicationFailure {
  const shop = `Shopify store "${store}"`;
  const code = typeof parsed?.error === 'string' ? parsed.error : '';
  const description =
    typeof parsed?.error_description === 'string'
      ? parsed.error_description
      : typeof parsed?.errors === 'string'
        ? parsed.errors
        : body.replace(/\s+/g, ' ').slice(0, 200);
  const said = redact(`${status}${code ? ` ${code}` : ''}: ${description}`);
  if (status === 429 || status >= 500) {
    return ApplicationFailure.retryable(
      `${shop} could not issue an access token now (${said}); will retry.`,
      'ShopifyUnavailable',
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `${shop} has no token endpoint (${said}). Check SHOPIFY_STORE (is "${store}" the store's myshopify name?) ` +
        `and SHOPIFY_BASE_URL.`,
      'ShopifyNotFound',
    );
  }
  const refused = `${shop} refused the client-credentials grant (${said}).`;
  const legacy =
    "A store your app's organization does not own needs the install (authorization-code) flow, or set " +
    'SHOPIFY_API_TOKEN to the token of an app already installed there (an admin-created custom app) instead of ' +
    `SHOPIFY_CLIENT_ID/SHOPIFY_CLIENT_SECRET. See ${CLIENT_CREDENTIALS_DOCS}`;
  switch (code) {
    case 'shop_not_permitted':
      return ApplicationFailure.nonRetryable(
        `${refused} The grant works only for a store that belongs to the same organization as the Dev Dashboard ` +
          `app (the store is listed under the app's organization in the Dev Dashboard). ${legacy}`,
        'ShopifyAuthError',
      );
    case 'app_not_installed':
      return ApplicationFailure.nonRetryable(
        `${refused} Install the app on ${store}.myshopify.com: in the Dev Dashboard open the app, choose ` +
          `"Install app" and pick the store; then sync again. See ${CLIENT_CREDENTIALS_DOCS}`,
        'ShopifyAuthError',
      );
    default:
      return ApplicationFailure.nonRetryable(
        `${refused} Check SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET: copy both again from the Dev Dashboard ` +
          `(the app → Settings); a rotated secret invalidates the old one. ${legacy}`,
        'ShopifyAuthError',
      );
  }
}
