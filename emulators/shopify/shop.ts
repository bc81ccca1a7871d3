/** The fields of Shopify's Shop object a connection check reads (GraphQL `shop`). */
export interface ShopDetails {
  name?: string;
  currency?: string;
  /** IANA zone, e.g. America/New_York. */
  ianaTimezone?: string;
  /** A custom domain; defaults to the myshopify domain. */
  domain?: string;
}

/** A retired version "falls forward" to the oldest supported one (shopify.dev/docs/api/usage/versioning). */
export function servedVersion(requested: string, oldestSupported: string | undefined): string {
  return oldestSupported && requested < oldestSupported ? oldestSupported : requested;
}
