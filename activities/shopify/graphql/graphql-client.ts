import { ApplicationFailure } from '@temporalio/common';
import { redact } from '../../../common/redact';
import type { AccessTokenSource } from '../access-token';
import { failureForStatus } from '../errors';
import { CostPacer, type CostTicket, type QueryCost } from './cost-pacer';
import { failureForGraphqlErrors, isThrottled, type GraphqlError } from './graphql-errors';

export interface GraphqlClientConfig {
  /** The shop's name, for messages. */
  store: string;
  /** `https://{shop}.myshopify.com`, or an emulator's origin. */
  baseUrl: string;
  apiVersion: string;
  timeoutMs: number;
  tokens: AccessTokenSource;
  /** Shared by every client of the same store in the process (see `costPacerFor`). */
  pacer: CostPacer;
  /** THROTTLED answers waited out inside one call before the activity fails and Temporal retries it. */
  maxThrottledRetries?: number;
}

export interface QueryOptions {
  /**
   * The query's requested cost if the caller knows it; otherwise the highest cost Shopify reported for the same
   * document, or, the first time, the most any query may ask for (1,000 points).
   */
  cost?: number;
  /** Activity cancellation (`Context.current().cancellationSignal`). */
  signal?: AbortSignal;
}

export interface GraphqlResult<T> {
  data: T;
  cost: QueryCost | null;
  /** HTTP requests sent, THROTTLED and 401 answers included. */
  requests: number;
  /** Milliseconds spent waiting for the cost bucket. */
  throttledMs: number;
  /** X-Shopify-API-Version: the version Shopify served (a retired one falls forward to a newer one). */
  servedVersion: string | null;
}

interface GraphqlBody {
  data?: unknown;
  errors?: GraphqlError[] | string;
  extensions?: { cost?: QueryCost };
}

/**
 * POSTs queries to `{baseUrl}/admin/api/{version}/graphql.json`, paced by the store's cost bucket.
 *
 * Node's own `fetch` rather than axios: the activity's cancellation signal (an `AbortSignal`) and a timeout combine
 * with `AbortSignal.any`, the bulk result download streams its body through the same HTTP stack, and no dependency is
 * added. Bodies are read as text and parsed here, so a truncated or HTML body becomes a clear, retryable failure.
 */
export class GraphqlClient {
  private readonly learnedCosts = new Map<string, number>();

  constructor(private readonly config: GraphqlClientConfig) {}

  get endpoint(): string {
    return `${this.config.baseUrl.replace(/\/+$/, '')}/admin/api/${this.config.apiVersion}/graphql.json`;
  }

  get apiVersion(): string {
    return this.config.apiVersion;
  }

  async query<T>(
    document: string,
    variables: Record<string, unknown> = {},
    options: QueryOptions = {},
  ): Promise<GraphqlResult<T>> {
    const maxThrottled = this.config.maxThrottledRetries ?? 5;
    let requests = 0;
    let throttledMs = 0;
    let renewed = false;
    let throttledAnswers = 0;
    let renewedToken: string | undefined;
    for (;;) {
      const ticket = await this.config.pacer.acquire(options.cost ?? this.learnedCosts.get(document));
      throttledMs += ticket.waitedMs;
      requests += 1;
      // Taken after the wait for the bucket, which a token near its expiry may not outlast (renewed then).
      let token: string;
      try {
        token = renewedToken ?? (await this.config.tokens.token());
      } catch (error) {
        this.config.pacer.settle(ticket, null);
        throw error;
      }
      const answer = await this.send(document, variables, token, ticket, options.signal);
      if (answer.status === 401) {
        if (renewed) throw this.rejectedTwice(answer.text);
        renewed = true;
        renewedToken = await this.config.tokens.renewAfterRejection(token);
        continue;
      }
      if (!answer.body) {
        throw failureForStatus(answer.status, answer.text, {
          store: this.config.store,
          apiVersion: this.config.apiVersion,
          path: new URL(this.endpoint).pathname,
          retryAfterSeconds: answer.retryAfterSeconds,
        });
      }
      const body = answer.body;
      const cost = body.extensions?.cost ?? null;
      if (cost) {
        // The most this document was charged: its cost varies with variables (page sizes), and too high only waits.
        const learned = Math.max(cost.requestedQueryCost, this.learnedCosts.get(document) ?? 0);
        this.learnedCosts.set(document, learned);
      }
      const errors = Array.isArray(body.errors) ? body.errors : [];
      if (errors.length > 0 && isThrottled(errors)) {
        throttledAnswers += 1;
        if (throttledAnswers > maxThrottled) throw this.stillThrottled(cost, throttledAnswers);
        continue; // the pacer now knows the bucket is short and makes the next attempt wait exactly long enough
      }
      if (errors.length > 0 || typeof body.errors === 'string') {
        throw failureForGraphqlErrors(errors.length > 0 ? errors : [{ message: String(body.errors) }], this.config);
      }
      if (body.data === null || body.data === undefined) {
        throw ApplicationFailure.retryable(
          `Shopify store "${this.config.store}" answered a GraphQL query without data or errors; will retry.`,
          'ShopifyBadResponse',
        );
      }
      return { data: body.data as T, cost, requests, throttledMs, servedVersion: answer.servedVersion ?? null };
    }
  }

  /** One HTTP exchange; settles the pacer ticket whatever happens. */
  private async send(
    document: string,
    variables: Record<string, unknown>,
    token: string,
    ticket: CostTicket,
    signal: AbortSignal | undefined,
  ): Promise<{
    status: number;
    text: string;
    body?: GraphqlBody;
    retryAfterSeconds?: number;
    servedVersion?: string | null;
  }> {
    let cost: QueryCost | null = null;
    try {
      const timeout = AbortSignal.timeout(this.config.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await fetch(this.endpoint, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-Shopify-Access-Token': token,
          },
          body: JSON.stringify({ query: document, variables }),
          redirect: 'manual',
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw error; // cancelled: let the activity see its own cancellation
        throw this.networkFailure(error, timeout.aborted);
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
      if (response.status === 429) {
        // Shopify documents THROTTLED with HTTP 200; should it come as 429 with the same body, it is paced the same way.
        const throttled = parseGraphqlBody(text);
        if (throttled && Array.isArray(throttled.errors) && isThrottled(throttled.errors)) {
          cost = throttled.extensions?.cost ?? null;
          return { status: 429, text, body: throttled };
        }
      }
      if (response.status !== 200) return { status: response.status, text, retryAfterSeconds };
      const body = parseGraphqlBody(text);
      if (!body) {
        throw ApplicationFailure.retryable(
          `Shopify store "${this.config.store}" sent a GraphQL answer that is not complete JSON ` +
            `(${response.headers.get('content-type') ?? 'no content type'}, ${text.length} characters); will retry.`,
          'ShopifyBadResponse',
        );
      }
      cost = body.extensions?.cost ?? null;
      return { status: 200, text, body, servedVersion: response.headers.get('x-shopify-api-version') };
    } finally {
      this.config.pacer.settle(ticket, cost);
    }
  }

  private rejectedTwice(said: string): ApplicationFailure {
    const shop = `Shopify store "${this.config.store}"`;
    const body = redact(said.replace(/\s+/g, ' ').slice(0, 200));
    const fix =
      this.config.tokens.kind === 'static'
        ? `Check SHOPIFY_API_TOKEN: it must be the Admin API access token (shpat_…) of an app installed on ` +
          `${this.config.store}.myshopify.com, and the app must not have been uninstalled.`
        : `A token just obtained with the app's client credentials was rejected too: check the app's client id and ` +
          `secret, and that the app is installed on ${this.config.store}.myshopify.com.`;
    return ApplicationFailure.nonRetryable(
      `${shop} rejected the access token twice (401 Unauthorized: ${body}). ${fix}`,
      'ShopifyAuthError',
    );
  }

  private stillThrottled(cost: QueryCost | null, answers: number): ApplicationFailure {
    const status = cost?.throttleStatus;
    const waitMs = status && cost ? this.config.pacer.waitFor(cost.requestedQueryCost) || 1000 : 2000;
    return ApplicationFailure.create({
      message:
        `Shopify store "${this.config.store}" answered THROTTLED ${answers} times in a row` +
        (status
          ? ` (${status.currentlyAvailable} of ${status.maximumAvailable} points available, ${cost!.requestedQueryCost} requested)`
          : '') +
        `: another client of the same app is using the store's GraphQL budget. Will retry.`,
      type: 'ShopifyRateLimited',
      nextRetryDelay: `${Math.max(1, Math.ceil(waitMs / 1000))}s`,
    });
  }

  private networkFailure(error: unknown, timedOut: boolean): ApplicationFailure {
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const what = timedOut
      ? `timed out after ${this.config.timeoutMs} ms`
      : [cause?.code, cause?.message ?? (error instanceof Error ? error.message : String(error))]
          .filter(Boolean)
          .join(' ');
    return ApplicationFailure.retryable(
      redact(`Could not reach Shopify store "${this.config.store}" at ${this.endpoint}: ${what}; will retry.`),
      'ShopifyUnavailable',
    );
  }
}

function parseGraphqlBody(text: string): GraphqlBody | null {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as GraphqlBody) : null;
  } catch {
    return null;
  }
}
