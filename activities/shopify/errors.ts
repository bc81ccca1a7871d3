import { ApplicationFailure } from '@temporalio/common';
import { scopeList } from '../../common/connection-report';
import { redact } from '../../common/redact';

function errorsText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (parsed.errors !== undefined) {
      return typeof parsed.errors === 'string' ? parsed.errors : JSON.stringify(parsed.errors);
    }
  } catch {
    // Not JSON (an HTML error page): fall through to a short excerpt.
  }
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

/** Turns a Shopify response that is not a success into a failure that says what to fix, or a retryable one. */
export function failureForStatus(
  status: number,
  body: string,
  context: {
    store: string;
    apiVersion: string;
    path: string;
    retryAfterSeconds?: number;
  },
): ApplicationFailure {
  const shop = `Shopify store "${context.store}"`;
  const said = redact(errorsText(body));
  switch (status) {
    case 401:
      return ApplicationFailure.nonRetryable(
        `${shop} rejected the access token (401 Unauthorized: ${said}). Check SHOPIFY_API_TOKEN: it must be the ` +
          `Admin API access token of a custom app installed on ${context.store}.myshopify.com. The worker reads ` +
          `it when it starts: restart the worker after changing it, then run the sync again.`,
        'ShopifyAuthError',
      );
    case 403:
      return ApplicationFailure.nonRetryable(
        `${shop} refused ${context.path} (403 Forbidden: ${said}). The app is missing an access scope: grant ` +
          `${scopeList()} (read_all_orders for orders older than 60 days), then reinstall it.`,
        'ShopifyScopeError',
      );
    case 404:
      return ApplicationFailure.nonRetryable(
        `${shop} answered 404 Not Found for ${context.path}. Check SHOPIFY_STORE (is "${context.store}" the right ` +
          `store?) and SHOPIFY_API_VERSION ("${context.apiVersion}").`,
        'ShopifyNotFound',
      );
    case 402:
      return ApplicationFailure.nonRetryable(
        `${shop} is frozen (402 Payment Required: ${said}). The shop's billing needs attention in the Shopify admin; ` +
          `sync again once the shop is unfrozen.`,
        'ShopifyShopUnavailable',
      );
    case 423:
      return ApplicationFailure.nonRetryable(
        `${shop} is locked (423 Locked: ${said}). The shop was locked by Shopify; contact Shopify support.`,
        'ShopifyShopUnavailable',
      );
    case 429:
      return ApplicationFailure.create({
        message: `${shop} is rate limiting requests (429: ${said}).`,
        type: 'ShopifyRateLimited',
        nextRetryDelay: `${Math.max(1, context.retryAfterSeconds ?? 2)}s`,
      });
    default:
      if (status >= 500) {
        return ApplicationFailure.retryable(
          `${shop} is unavailable (${status}: ${said}); will retry.`,
          'ShopifyUnavailable',
        );
      }
      return ApplicationFailure.nonRetryable(
        `${shop} rejected ${context.path} (${status}: ${said}).`,
        'ShopifyBadRequest',
      );
  }
}
