import { ApplicationFailure } from '@temporalio/common';
import type { ResourceName } from '../../../common/contract';
import { type ApiRecord, resourceSpec, type ResourceSpec } from '../../store/resources';
import type { CountWindow, RecordCounts, RecordSource, ShopifyPage } from '../record-source';
import type { GraphqlClient, GraphqlResult } from './graphql-client';
import {
  type CountField,
  countsQuery,
  drainQuery,
  nestedConnections,
  pageQuery,
  timeTerm,
  updatedSince,
} from './query-builder';

interface Connection {
  nodes?: ApiRecord[];
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
}

/**
 * Reads resources through the GraphQL Admin API by cursor-paged queries, paced by the store's
 * cost bucket (the client's pacer). A page's records come back in the shape resources.ts describes: each nested
 * connection drained to its last page by follow-up queries and left as `{ nodes: [...] }`.
 */
export class GraphqlPagedSource implements RecordSource {
  private timeZone: Promise<string | null> | undefined;

  constructor(
    private readonly client: GraphqlClient,
    private readonly signal?: () => AbortSignal | undefined,
  ) {}

  async spec(name: ResourceName): Promise<ResourceSpec> {
    return resourceSpec(name, await this.shopTimeZone());
  }

  async counts(windows: readonly CountWindow[]): Promise<RecordCounts> {
    const fields: CountField[] = [];
    const searches: (string | null)[] = [];
    const slots = windows.map((w, k) => {
      const search = w.spec.graphql.incremental.search;
      fields.push({ alias: `w${k}`, source: w.spec.graphql });
      searches.push(updatedSince(w.updatedAtMin, search));
      if (w.newerThan == null) return { window: fields.length - 1, newer: null };
      fields.push({ alias: `w${k}newer`, source: w.spec.graphql });
      searches.push(timeTerm(search, '>', w.newerThan));
      return { window: fields.length - 2, newer: fields.length - 1 };
    });
    const query = countsQuery(fields);
    const variables = Object.fromEntries(searches.map((search, k) => [query.variable(k), search]));
    const { data, cost } = await this.client.query<Record<string, { count?: unknown } | null>>(
      query.document,
      variables,
      { cost: query.cost, signal: this.signal?.() },
    );
    const countAt = (index: number) => {
      const field = fields[index];
      const count = data[field.alias]?.count;
      if (typeof count !== 'number') throw this.badAnswer(`${field.source.count} without a count`);
      return count;
    };
    return {
      windows: slots.map((slot) => ({
        count: countAt(slot.window),
        newer: slot.newer === null ? null : countAt(slot.newer),
      })),
      restoreRate: cost?.throttleStatus?.restoreRate ?? null,
    };
  }

  async page(spec: ResourceSpec, cursor: string | null, updatedAtMin: string | null): Promise<ShopifyPage> {
    const query = pageQuery(spec.graphql);
    const answer = await this.client.query<Record<string, Connection | null>>(
      query.document,
      { after: cursor, query: updatedSince(updatedAtMin, spec.graphql.incremental.search) },
      { cost: query.cost, signal: this.signal?.() },
    );
    const page = answer.data[spec.graphql.connection];
    if (!page || !Array.isArray(page.nodes)) throw this.badAnswer(`${spec.graphql.connection} without nodes`);
    let requests = answer.requests;
    let throttledMs = answer.throttledMs;
    for (const record of page.nodes) {
      const drained = await this.drainNested(spec, record);
      requests += drained.requests;
      throttledMs += drained.throttledMs;
    }
    const more = page.pageInfo?.hasNextPage === true;
    if (more && !page.pageInfo?.endCursor)
      throw this.badAnswer(`${spec.graphql.connection} with a next page but no endCursor`);
    return { records: page.nodes, nextCursor: more ? page.pageInfo!.endCursor! : null, requests, throttledMs };
  }

  /** Completes each nested connection of `record` in place: later pages appended, `pageInfo` removed. */
  private async drainNested(spec: ResourceSpec, record: ApiRecord): Promise<{ requests: number; throttledMs: number }> {
    let requests = 0;
    let throttledMs = 0;
    for (const nested of nestedConnections(spec.graphql.select)) {
      const first = record[nested.field] as Connection | null | undefined;
      if (!first) continue;
      const all = [...(first.nodes ?? [])];
      let info = first.pageInfo;
      if (info?.hasNextPage) {
        const query = drainQuery(spec.graphql, nested);
        while (info?.hasNextPage) {
          const answer: GraphqlResult<Record<string, Record<string, Connection | null> | null>> =
            await this.client.query(
              query.document,
              { id: record.id, after: info.endCursor },
              { cost: query.cost, signal: this.signal?.() },
            );
          requests += answer.requests;
          throttledMs += answer.throttledMs;
          const more: Connection | null | undefined = answer.data[spec.graphql.single]?.[nested.field];
          // Deleted between the page and this query: the record as paged is stored; the next sync sees the deletion.
          if (!more) break;
          all.push(...(more.nodes ?? []));
          info = more.pageInfo;
        }
      }
      record[nested.field] = { nodes: all };
    }
    return { requests, throttledMs };
  }

  /** The shop's IANA time zone, once per source: timestamps are stored in the shop's offset (as REST wrote them). */
  private shopTimeZone(): Promise<string | null> {
    this.timeZone ??= this.client
      .query<{ shop?: { ianaTimezone?: unknown } }>('query ShopTimeZone { shop { ianaTimezone } }', {}, { cost: 1 })
      .then(({ data }) => (typeof data.shop?.ianaTimezone === 'string' ? data.shop.ianaTimezone : null));
    // A failed look-up is retried by the next activity rather than remembered.
    this.timeZone.catch(() => (this.timeZone = undefined));
    return this.timeZone;
  }

  private badAnswer(what: string): ApplicationFailure {
    return ApplicationFailure.retryable(
      `Shopify answered a GraphQL query with ${what}; will retry.`,
      'ShopifyBadResponse',
    );
  }
}
