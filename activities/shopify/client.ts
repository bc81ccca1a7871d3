import http from 'node:http';
import https from 'node:https';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { ApplicationFailure } from '@temporalio/common';
import type { ShopifyConfig } from '../../common/config';
import { redact } from '../../common/redact';
import { AccessTokenSource, accessTokenSource } from './access-token';
import { CallLimiter } from './call-limiter';
import { failureForStatus } from './errors';

/** What one call cost: requests sent (429s included) and milliseconds spent waiting for the rate limit. */
export interface CallCost {
  requests: number;
  throttledMs: number;
}

export interface ShopifyPage extends CallCost {
  records: Record<string, unknown>[];
  /** Path and query of the `rel="next"` link, or null on the last page. */
  nextCursor: string | null;
}

export interface ShopifyClientOptions {
  limiter?: CallLimiter;
  /** Where tokens come from; by default the process's shared source for this store and its credentials. */
  tokens?: AccessTokenSource;
  /** 429s absorbed inside one call (waiting `Retry-After` each time) before the activity fails and Temporal retries it. */
  maxRateLimitRetries?: number;
}

const PAGE_SIZE = 250;

/** `<https://x/admin/api/v/orders.json?limit=250&page_info=abc>; rel="next"` → `/admin/api/v/orders.json?...`. */
export function nextLinkPath(linkHeader: string | undefined): string | null {
  if (!linkHeader) return null;
  for (const part of linkHeader.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) {
      const url = new URL(match[1]);
      return `${url.pathname}${url.search}`;
    }
  }
  return null;
}

export class ShopifyClient {
  private readonly http: AxiosInstance;
  readonly limiter: CallLimiter;
  readonly tokens: AccessTokenSource;

  constructor(
    private readonly config: ShopifyConfig,
    private readonly options: ShopifyClientOptions = {},
  ) {
    this.limiter = options.limiter ?? new CallLimiter();
    this.tokens = options.tokens ?? accessTokenSource(config);
    this.http = axios.create({
      baseURL: config.baseUrl,
      timeout: config.timeoutMs,
      headers: { Accept: 'application/json' },
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      // Bodies are parsed here, not by axios, so a truncated or HTML body becomes a clear, retryable failure.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  apiPath(endpoint: string): string {
    return `/admin/api/${this.config.apiVersion}/${endpoint}`;
  }

  /** First page of a resource with its filters, or the page a cursor points to (which carries the filters itself). */
  async page(endpoint: string, cursor: string | null, params: Record<string, string>): Promise<ShopifyPage> {
    const path =
      cursor ?? `${this.apiPath(`${endpoint}.json`)}?${new URLSearchParams({ ...params, limit: String(PAGE_SIZE) })}`;
    const { response, ...cost } = await this.get(path);
    const body = this.parse(response, path) as Record<string, unknown>;
    const records = body[endpoint];
    if (!Array.isArray(records)) {
      throw ApplicationFailure.retryable(
        `Shopify store "${this.config.store}" answered ${path} without a "${endpoint}" list; will retry.`,
        'ShopifyBadResponse',
      );
    }
    return {
      records: records as Record<string, unknown>[],
      nextCursor: nextLinkPath(response.headers['link']),
      ...cost,
    };
  }

  async count(endpoint: string, params: Record<string, string>): Promise<number> {
    const path = `${this.apiPath(`${endpoint}/count.json`)}?${new URLSearchParams(params)}`;
    const body = this.parse((await this.get(path)).response, path) as { count?: unknown };
    if (typeof body.count !== 'number') {
      throw ApplicationFailure.retryable(`Shopify answered ${path} without a count; will retry.`, 'ShopifyBadResponse');
    }
    return body.count;
  }

  /** Any JSON endpoint (path from the origin, e.g. `/admin/oauth/access_scopes.json`): its body and headers. */
  async getJson(path: string): Promise<{ body: unknown; headers: Record<string, string | undefined> }> {
    const { response } = await this.get(path);
    return { body: this.parse(response, path), headers: response.headers as Record<string, string | undefined> };
  }

  private async get(path: string): Promise<{ response: AxiosResponse<string> } & CallCost> {
    const maxRetries = this.options.maxRateLimitRetries ?? 5;
    let throttledMs = 0;
    let rejected: string | null = null;
    let renewals = 0;
    for (let attempt = 0; ; attempt += 1) {
      throttledMs += await this.limiter.acquire();
      let response: AxiosResponse<string>;
      let token: string;
      try {
        token = rejected === null ? await this.tokens.token() : await this.tokens.renewAfterRejection(rejected);
      } catch (error) {
        this.limiter.release(undefined);
        throw error;
      }
      rejected = null;
      try {
        response = await this.http.get<string>(path, { headers: { 'X-Shopify-Access-Token': token } });
      } catch (error) {
        this.limiter.release(undefined);
        throw this.networkFailure(error, path);
      }
      this.limiter.release(response.headers['x-shopify-shop-api-call-limit']);
      if (response.status === 429) {
        const retryAfter = Number(response.headers['retry-after']) || 2;
        this.limiter.backOff(retryAfter);
        if (attempt < maxRetries) continue;
      }
      // An issued token may expire mid-run: the request is repeated with a renewed one. The source fails instead
      // when the rejected token was just issued; two renewals in one call are the backstop.
      if (response.status === 401 && this.tokens.kind === 'client-credentials' && renewals < 2) {
        rejected = token;
        renewals += 1;
        continue;
      }
      if (response.status >= 200 && response.status < 300) return { response, requests: attempt + 1, throttledMs };
      throw failureForStatus(response.status, String(response.data ?? ''), {
        store: this.config.store,
        apiVersion: this.config.apiVersion,
        credentials: this.tokens.kind,
        path: path.split('?')[0],
        retryAfterSeconds: Number(response.headers['retry-after']) || undefined,
      });
    }
  }

  private parse(response: AxiosResponse<string>, path: string): unknown {
    try {
      return JSON.parse(response.data);
    } catch {
      throw ApplicationFailure.retryable(
        `Shopify store "${this.config.store}" sent a body that is not complete JSON for ${path.split('?')[0]} ` +
          `(${response.headers['content-type'] ?? 'no content type'}, ${response.data?.length ?? 0} bytes); will retry.`,
        'ShopifyBadResponse',
      );
    }
  }

  private networkFailure(error: unknown, path: string): ApplicationFailure {
    const code = axios.isAxiosError(error) ? (error.code ?? '') : '';
    const message = error instanceof Error ? error.message : String(error);
    const what =
      code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `timed out after ${this.config.timeoutMs} ms` : message;
    return ApplicationFailure.retryable(
      redact(
        `Could not reach Shopify store "${this.config.store}" at ${this.config.baseUrl}${path.split('?')[0]}: ${what}; will retry.`,
      ),
      'ShopifyUnavailable',
    );
  }
}
