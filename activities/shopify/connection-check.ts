import { ApplicationFailure } from '@temporalio/common';
import { ConnectionReport, NEEDED_SCOPES } from '../../common/connection-report';
import type { ShopifyClient } from './client';

/**
 * The connection check: who the shop is, which API version Shopify serves, how the token was obtained, and which
 * scopes Shopify granted (read from Shopify, not from the configuration). Through REST for now (`shop.json`,
 * `access_scopes.json`); a GraphQL source would answer the same two questions with `shop` and
 * `currentAppInstallation.accessScopes`.
 */
export async function checkConnection(
  client: ShopifyClient,
  store: string,
  apiVersion: string,
): Promise<ConnectionReport> {
  const shopResponse = await client.getJson(client.apiPath('shop.json'));
  const shop = (shopResponse.body as { shop?: Record<string, unknown> }).shop;
  if (!shop || typeof shop !== 'object') {
    throw ApplicationFailure.retryable(`Shopify store "${store}" answered shop.json without a shop; will retry.`);
  }
  const served = shopResponse.headers['x-shopify-api-version'] ?? null;
  const scopesBody = (await client.getJson('/admin/oauth/access_scopes.json')).body as {
    access_scopes?: Array<{ handle?: unknown }>;
  };
  const granted = (scopesBody.access_scopes ?? []).flatMap((s) => (typeof s.handle === 'string' ? [s.handle] : []));
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
  const expiresAt = client.tokens.expiresAt();
  return {
    store,
    shop: {
      name: text(shop.name),
      domain: text(shop.domain),
      myshopifyDomain: text(shop.myshopify_domain),
      currency: text(shop.currency),
      timeZone: text(shop.iana_timezone ?? shop.timezone),
    },
    apiVersion: { requested: apiVersion, served, supported },
    token: { kind: client.tokens.kind, expiresAt: expiresAt ? expiresAt.toISOString() : null },
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
