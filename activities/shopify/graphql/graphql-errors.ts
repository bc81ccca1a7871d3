import { ApplicationFailure } from '@temporalio/common';
import { NEEDED_SCOPES } from '../../../common/connection-report';
import { redact } from '../../../common/redact';

/** One entry of a GraphQL response's top-level `errors` list, as Shopify sends it. */
export interface GraphqlError {
  message?: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: { code?: string; requiredAccess?: string; documentation?: string; [key: string]: unknown };
}

export interface ErrorContext {
  store: string;
  apiVersion: string;
}

/** Shopify's code for a query sent over the bucket: wait and send it again (the caller handles it). */
export function isThrottled(errors: GraphqlError[]): boolean {
  return errors.some((e) => e.extensions?.code === 'THROTTLED');
}

/** `Access denied for orders field. Required access: \`read_orders\` access scope.` → `read_orders`. */
export function requiredScope(error: GraphqlError): string | null {
  const fromExtension = error.extensions?.requiredAccess;
  const text = typeof fromExtension === 'string' ? fromExtension : (error.message ?? '');
  const match = /`?\b((?:read|write|unauthenticated_read)_[a-z_]+)`?/.exec(text);
  return match ? match[1] : null;
}

function describe(error: GraphqlError): string {
  const where = error.path?.length
    ? ` at ${error.path.join('.')}`
    : error.locations?.length
      ? ` at line ${error.locations[0].line}, column ${error.locations[0].column}`
      : '';
  return `${error.message ?? 'no message'}${where}`;
}

/**
 * Turns the `errors` of a GraphQL answer (HTTP 200) into a failure that says what to fix, or a retryable one.
 * Any error fails the query, even next to partial `data`: a record stored without some of its fields would be wrong
 * silently. THROTTLED is not handled here: the client waits it out.
 */
export function failureForGraphqlErrors(errors: GraphqlError[], context: ErrorContext): ApplicationFailure {
  const shop = `Shopify store "${context.store}"`;
  const said = redact(errors.map(describe).join('; '));

  const denied = errors.filter((e) => e.extensions?.code === 'ACCESS_DENIED');
  if (denied.length > 0) {
    const scopes = [...new Set(denied.map(requiredScope).filter((s): s is string => s !== null))];
    const grant = scopes.length
      ? `Grant the app the ${scopes.join(', ')} access scope${scopes.length > 1 ? 's' : ''}`
      : `Grant the app the access scope the field needs (${NEEDED_SCOPES.join(', ')})`;
    return ApplicationFailure.nonRetryable(
      `${shop} denied access (ACCESS_DENIED: ${said}). ${grant} in its configuration, release or reinstall it so ` +
        `the store approves the new scopes, then sync again.`,
      'ShopifyScopeError',
    );
  }

  const tooCostly = errors.find((e) => e.extensions?.code === 'MAX_COST_EXCEEDED');
  if (tooCostly) {
    return ApplicationFailure.nonRetryable(
      `${shop} refused a query as too costly (MAX_COST_EXCEEDED: ${said}). A single query may ask for at most 1,000 ` +
        `cost points: lower the page size ("first") of the resource's GraphQL selection or of its nested connections.`,
      'ShopifyBadRequest',
    );
  }

  if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
    return ApplicationFailure.retryable(`${shop} had an internal error (${said}); will retry.`, 'ShopifyUnavailable');
  }

  if (errors.some((e) => e.extensions?.code === 'SHOP_INACTIVE')) {
    return ApplicationFailure.nonRetryable(
      `${shop} is not active (${said}). Check SHOPIFY_STORE, or the shop's plan and status in the Shopify admin.`,
      'ShopifyShopUnavailable',
    );
  }

  // A code in Shopify's SCREAMING_CASE that is none of the above: a server-side condition we do not know, so retry.
  const unknownServerCode = errors.find((e) => /^[A-Z][A-Z_]+$/.test(e.extensions?.code ?? ''));
  if (unknownServerCode) {
    return ApplicationFailure.retryable(
      `${shop} answered the query with an error (${unknownServerCode.extensions!.code}: ${said}); will retry.`,
      'ShopifyUnavailable',
    );
  }

  // No code, or a validation code (undefinedField, argumentLiteralsIncompatible, parse errors): the query is wrong.
  return ApplicationFailure.nonRetryable(
    `${shop} rejected the GraphQL query as invalid for API version ${context.apiVersion} (${said}). The queries are ` +
      `built by this project from the resource declarations: check SHOPIFY_API_VERSION ("${context.apiVersion}") ` +
      `against the versions the project supports, or report it as a bug with this message.`,
    'ShopifyBadRequest',
  );
}
