import { ApplicationFailure } from '@temporalio/common';
import type { ShopifyConfig } from '../../common/config';
import { registerSecret } from '../../common/redact';
import { CLIENT_CREDENTIALS_DOCS, exchangeClientCredentials, IssuedToken } from './client-credentials';

export interface AccessTokenSource {
  /** How the token was obtained, for --check and logs: 'client-credentials' | 'static'. */
  readonly kind: 'client-credentials' | 'static';
  /** A valid token: cached, refreshed with a margin before it expires, one refresh at a time. */
  token(): Promise<string>;
  /** After a 401 with `rejected`: a fresh token, or a non-retryable ShopifyAuthError when `rejected` was just issued or is static. */
  renewAfterRejection(rejected: string): Promise<string>;
  /** When the current token expires (null for a static token or before the first exchange). */
  expiresAt(): Date | null;
}

/** SHOPIFY_API_TOKEN: used as is; a 401 means a person must replace it. */
export class StaticTokenSource implements AccessTokenSource {
  readonly kind = 'static' as const;

  constructor(
    private readonly store: string,
    private readonly apiToken: string,
  ) {
    registerSecret(apiToken);
  }

  token(): Promise<string> {
    return Promise.resolve(this.apiToken);
  }

  renewAfterRejection(): Promise<string> {
    return Promise.reject(
      ApplicationFailure.nonRetryable(
        `Shopify store "${this.store}" rejected the access token (401 Unauthorized). Check SHOPIFY_API_TOKEN: it must ` +
          `be the Admin API access token of a custom app installed on ${this.store}.myshopify.com. The worker reads ` +
          `it when it starts: restart the worker after changing it, then run the sync again.`,
        'ShopifyAuthError',
      ),
    );
  }

  expiresAt(): Date | null {
    return null;
  }
}

export interface ClientCredentialsOptions {
  now?: () => number;
  /** Refresh this long before expiry; default a tenth of the token's lifetime, at most 5 minutes. */
  marginMs?: number;
  exchange?: typeof exchangeClientCredentials;
}

/**
 * SHOPIFY_CLIENT_ID + SHOPIFY_CLIENT_SECRET: tokens from the client-credentials grant, kept in this process's memory
 * only. Concurrent callers share one exchange in flight; a token is replaced before it expires, and once after Shopify
 * rejects it — unless it was issued moments ago, when a new one would be rejected too.
 */
export class ClientCredentialsTokenSource implements AccessTokenSource {
  readonly kind = 'client-credentials' as const;
  private current: IssuedToken | null = null;
  private inFlight: Promise<IssuedToken> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly config: Pick<ShopifyConfig, 'store' | 'baseUrl' | 'timeoutMs'> & {
      clientCredentials: { clientId: string; clientSecret: string };
    },
    private readonly options: ClientCredentialsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    registerSecret(config.clientCredentials.clientSecret);
  }

  async token(): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.expiresAt - this.margin(current)) return current.token;
    return (await this.refresh()).token;
  }

  async renewAfterRejection(rejected: string): Promise<string> {
    if (this.inFlight) {
      const next = await this.inFlight;
      if (next.token !== rejected) return next.token;
    }
    const current = this.current;
    if (current && current.token !== rejected) return current.token; // another caller renewed it already
    if (current && this.justIssued(current)) {
      throw ApplicationFailure.nonRetryable(
        `Shopify store "${this.config.store}" rejected an access token it issued ` +
          `${Math.round((this.now() - current.issuedAt) / 1000)} s ago (401 Unauthorized), so a new one would be ` +
          `rejected too. The app may have been uninstalled from ${this.config.store}.myshopify.com or its access ` +
          `revoked: check the app in the Dev Dashboard, install it again, and check SHOPIFY_CLIENT_ID and ` +
          `SHOPIFY_CLIENT_SECRET. See ${CLIENT_CREDENTIALS_DOCS}`,
        'ShopifyAuthError',
      );
    }
    this.current = null;
    return (await this.refresh()).token;
  }

  expiresAt(): Date | null {
    return this.current ? new Date(this.current.expiresAt) : null;
  }

  /** The scopes Shopify named when it issued the current token (the connection check reads them from Shopify). */
  grantedScope(): string | null {
    return this.current?.scope ?? null;
  }

  private refresh(): Promise<IssuedToken> {
    this.inFlight ??= (this.options.exchange ?? exchangeClientCredentials)({
      store: this.config.store,
      baseUrl: this.config.baseUrl,
      clientId: this.config.clientCredentials.clientId,
      clientSecret: this.config.clientCredentials.clientSecret,
      timeoutMs: this.config.timeoutMs,
      now: this.now,
    })
      .then((issued) => {
        this.current = issued;
        return issued;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private margin(token: IssuedToken): number {
    return this.options.marginMs ?? Math.min(5 * 60_000, (token.expiresAt - token.issuedAt) / 10);
  }

  /** Issued within the last minute (or the first half of a short lifetime): a rejection is not an expiry. */
  private justIssued(token: IssuedToken): boolean {
    return this.now() - token.issuedAt < Math.min(60_000, (token.expiresAt - token.issuedAt) / 2);
  }
}

const shared = new Map<string, AccessTokenSource>();

/**
 * The one token source of this process for a store and its credentials: every query (pages, bulk operations, events,
 * the connection check) and every concurrent activity shares its cache and its single refresh.
 */
export function accessTokenSource(config: ShopifyConfig): AccessTokenSource {
  const credentials = config.clientCredentials;
  const key = JSON.stringify([config.store, config.baseUrl, config.apiToken ?? null, credentials ?? null]);
  let source = shared.get(key);
  if (!source) {
    if (credentials) source = new ClientCredentialsTokenSource({ ...config, clientCredentials: credentials });
    else if (config.apiToken) source = new StaticTokenSource(config.store, config.apiToken);
    else throw new Error('ShopifyConfig has neither apiToken nor clientCredentials (loadShopifyConfig ensures one).');
    shared.set(key, source);
  }
  return source;
}
