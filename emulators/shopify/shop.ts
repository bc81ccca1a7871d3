/** `GET /admin/api/{v}/shop.json`: the fields of Shopify's Shop resource a connection check reads. */
export interface ShopDetails {
  name?: string;
  currency?: string;
  /** IANA zone, e.g. America/New_York. */
  ianaTimezone?: string;
  /** A custom domain; defaults to the myshopify domain. */
  domain?: string;
}

export const SHOP_ROUTE = /^\/admin\/api\/(\d{4}-(?:0[1-9]|1[0-2]))\/shop\.json$/;

export function shopBody(shopName: string, utcOffset: string, details: ShopDetails = {}): unknown {
  const myshopify = `${shopName}.myshopify.com`;
  return {
    shop: {
      id: 548380009,
      name: details.name ?? shopName.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      domain: details.domain ?? myshopify,
      myshopify_domain: myshopify,
      currency: details.currency ?? 'USD',
      iana_timezone: details.ianaTimezone ?? 'America/New_York',
      timezone: `(GMT${utcOffset}) ${details.ianaTimezone ?? 'America/New_York'}`,
      plan_name: 'basic',
    },
  };
}

/** A retired version "falls forward" to the oldest supported one (shopify.dev/docs/api/usage/versioning). */
export function servedVersion(requested: string, oldestSupported: string | undefined): string {
  return oldestSupported && requested < oldestSupported ? oldestSupported : requested;
}
