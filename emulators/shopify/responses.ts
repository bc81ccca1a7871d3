import { STATUS_CODES } from 'http';

/** A JSON answer: the token endpoint's, a fault's, a 404. */
export interface JsonResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

export const UNAUTHORIZED = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
export const NOT_FOUND = { errors: 'Not Found' };
/** Shopify's body for an HTTP 429 (a `status` fault can force one; GraphQL's own throttling is THROTTLED, 200). */
export const RATE_LIMITED = {
  errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
};
export const RETRY_AFTER = '2.0';

/** Shopify's JSON error bodies for statuses a fault can force. */
export function statusBody(status: number): unknown {
  switch (status) {
    case 401:
      return UNAUTHORIZED;
    case 402:
      return { errors: 'Payment Required' };
    case 403:
      return { errors: '[API] This action requires merchant approval for read_orders scope.' };
    case 404:
      return NOT_FOUND;
    case 423:
      return { errors: 'Locked' };
    case 429:
      return RATE_LIMITED;
    default:
      return status >= 500 ? { errors: 'Internal Server Error' } : { errors: STATUS_CODES[status] ?? 'Error' };
  }
}

/** The HTML a proxy in front of Shopify serves when the app tier fails. */
export function htmlErrorPage(status: number): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (status === 500) {
    return (
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
      '<title>There was a problem loading this website</title>\n</head>\n<body>\n' +
      '<h1>There was a problem loading this website</h1>\n<p>Please try again.</p>\n</body>\n</html>\n'
    );
  }
  return (
    `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n` +
    `<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

/** What a captive portal, CDN challenge or maintenance page looks like to an API client. */
export const NON_JSON_PAGE =
  '<html><head><title>Checking your browser…</title></head><body><p>One moment, please…</p></body></html>';
