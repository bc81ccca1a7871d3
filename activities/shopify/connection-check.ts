import { ApplicationFailure } from '@temporalio/common';
import { ConnectionReport, NEEDED_SCOPES } from '../../common/connection-report';
import type { AccessTokenSource } from './access-token';
import type { GraphqlClient } from './graphql/graphql-client';

const CHECK_QUERY = `query ConnectionCheck {
  shop { name myshopifyDomain currencyCode ianaTimezone primaryDomain { host } }
  currentAppInstallation { accessScopes { handle } }
}`;

interface CheckAnswer {
  shop?: {
    name?: unknown;
    myshopifyDomain?: unknown;
    currencyCode?: unknown;
    ianaTimezone?: unknown;
    primaryDomain?: { host?: unknown } | null;
  } | null;
  currentAppInstallation?: { accessScopes?: Array<{ handle?: unknown }> } | null;
}

/**
 * The connection check: who the shop is, which API version Shopify serves, how the token was obtained, and which
 * scopes Shopify granted (read from Shopify, not from the configuration): one GraphQL query, which needs no scope, so
 * an app missing one still gets its report. The served version is the answer's X-Shopify-API-Version header.
 */
export async function checkConnection(
  client: GraphqlClient,
  tokens: AccessTokenSource,
  store: string,
): Promise<ConnectionReport> {
  const apiVersion = client.apiVersion;
  const answer = await client.query<CheckAnswer>(CHECK_QUERY, {}, { cost: 2 });
  const shop = answer.data.shop;
  if (!shop || typeof shop !== 'object') {
    throw ApplicationFailure.retryable(
      `Shopify store "${store}" answered the connection check without a shop; will retry.`,
      'ShopifyBadResponse',
    );
  }
  const served = answer.servedVersion;
  const granted = (answer.data.currentAppInstallation?.accessScopes ?? []).flatMap((s) =>
    typeof s.handle === 'string' ? [s.handle] : [],
  );
  const missing = NEEDED_SCOPES.filter((scope) => !hasScope(granted, scope));

  const problems: string[] = [];
  const supported = served === null || served === apiVersion;
  if (!supported) {
    problems.push(
      `SHOPIFY_API_VERSION ${apiVersion} is retired: Shopify answered with ${served} instead. Set ` +
        `SHOPIFY_API_VERSION to a supported version (see https://shopify.dev/docs/api/usage/versioning).`,
    );
  }
  const needed = missing.filter((scope) => scope !== 'read_all_orders');
  if (needed.length > 0) {
    problems.push(
      `The app lacks ${needed.join(', ')}: the sync of those resources fails with 403. Add the scopes to the app ` +
        `(Dev Dashboard: the app's version → Access scopes, release it) and install it again on the store.`,
    );
  }
  if (missing.includes('read_all_orders')) {
    problems.push(
      'The app lacks read_all_orders: Shopify shows it only the last 60 days of orders, so older orders are missing ' +
        "and the analytics (sales, customers' order counts, repeat purchases) will be wrong. Add read_all_orders to " +
        "the app's scopes, release the version and install it again.",
    );
  }
  const expiresAt = tokens.expiresAt();
  return {
    store,
    shop: {
      name: text(shop.name),
      domain: text(shop.primaryDomain?.host ?? shop.myshopifyDomain),
      myshopifyDomain: text(shop.myshopifyDomain),
      currency: text(shop.currencyCode),
      timeZone: text(shop.ianaTimezone),
    },
    apiVersion: { requested: apiVersion, served, supported },
    token: { kind: tokens.kind, expiresAt: expiresAt ? expiresAt.toISOString() : null },
    scopes: { granted, missing },
    problems,
    checkedAt: new Date().toISOString(),
  };
}

/** A write scope grants read access to the same resource (shopify.dev/docs/api/usage/access-scopes). */
function hasScope(granted: string[], scope: string): boolean {
  return granted.includes(scope) || (scope.startsWith('read_') && granted.includes(`write_${scope.slice(5)}`));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '?' : String(value);
}
