/**
 * What the connection check reports (`npm run sync -- --check`, and the worker at start). Pure TypeScript with no
 * Node imports: the check's workflow returns it, so it holds no credential — only how the token was obtained.
 */
import { RESOURCE_DECLARATIONS } from './contract';

/** The scopes the sync needs: every resource's (contract.ts), in declaration order. */
export const NEEDED_SCOPES: readonly string[] = [...new Set(RESOURCE_DECLARATIONS.flatMap((r) => r.scopes))];

/** `a, b and c`, for messages. */
export function scopeList(scopes: readonly string[] = NEEDED_SCOPES): string {
  return scopes.length < 2 ? scopes.join('') : `${scopes.slice(0, -1).join(', ')} and ${scopes.at(-1)}`;
}

export interface ConnectionReport {
  store: string;
  shop: { name: string; domain: string; myshopifyDomain: string; currency: string; timeZone: string };
  apiVersion: {
    requested: string;
    /** X-Shopify-API-Version: the version Shopify actually served (a retired one falls forward). */
    served: string | null;
    supported: boolean;
  };
  token: {
    kind: 'client-credentials' | 'static';
    /** ISO time, null for a static token. */
    expiresAt: string | null;
  };
  scopes: { granted: string[]; missing: string[] };
  /** Each needs a person: the check fails (exit 1) when there is any. */
  problems: string[];
  checkedAt: string;
}

function scopeLine(report: ConnectionReport): string {
  return NEEDED_SCOPES.map((scope) => `${scope} ${report.scopes.missing.includes(scope) ? 'MISSING' : 'ok'}`).join(
    ', ',
  );
}

function tokenLine(report: ConnectionReport): string {
  if (report.token.kind === 'static') return 'SHOPIFY_API_TOKEN (a static token: it does not expire)';
  const expires = report.token.expiresAt;
  const seconds = expires ? Math.round((Date.parse(expires) - Date.parse(report.checkedAt)) / 1000) : 0;
  const left = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return (
    "client-credentials grant with SHOPIFY_CLIENT_ID/SHOPIFY_CLIENT_SECRET, held in the worker's memory" +
    (expires ? `; expires ${expires} (in ${left}), renewed before then` : '')
  );
}

/** The report as the CLI prints it and the worker logs it. */
export function formatConnectionReport(report: ConnectionReport): string {
  const version = report.apiVersion;
  const versionText = version.supported
    ? `${version.requested} (supported: Shopify served it)`
    : `${version.requested} is no longer supported: Shopify served ${version.served ?? 'another version'} instead`;
  const lines = [
    `Shop:        ${report.shop.name} (${report.shop.myshopifyDomain}` +
      `${report.shop.domain !== report.shop.myshopifyDomain ? `, ${report.shop.domain}` : ''})`,
    `Currency:    ${report.shop.currency}`,
    `Time zone:   ${report.shop.timeZone}`,
    `API version: ${versionText}`,
    `Token:       ${tokenLine(report)}`,
    `Scopes:      ${scopeLine(report)}` +
      (report.scopes.granted.length ? ` (granted: ${report.scopes.granted.join(', ')})` : ''),
  ];
  if (report.problems.length === 0) lines.push('Connection check passed.');
  else
    lines.push(
      `Connection check found ${report.problems.length} problem(s):`,
      ...report.problems.map((p) => `  - ${p}`),
    );
  return lines.join('\n');
}
