/**
 * Reads what Shopify deleted since the last read, from the GraphQL `events` query (`deletionEvents` is deprecated
 * and covers products and collections only).
 *
 * Design: one query for every subject type — `action:destroy AND (subject_type:PRODUCT OR subject_type:ORDER …) AND
 * created_at:>='…'`, grouped as Shopify's search grammar allows (docs/api/usage/search-syntax: connectives, and
 * parenthesized sub-queries; it does not say how AND and OR bind without them) — paged to the end with `after`,
 * oldest first: one request when nothing was deleted, whatever the number of subject types. Events can appear seconds to
 * minutes late, so the read starts `lookbackMs` before the watermark; an event read twice is harmless because
 * removing a record that is already gone records nothing (store/deletions.ts). Each event is checked again here
 * (action `destroy`, the subject type asked for, an id of the matching type): an event that does not fit is
 * counted in `ignored` rather than trusted, since deleting the wrong record is worse than keeping a deleted one
 * until reconciliation finds it. Shopify keeps events for one year: a first read without a watermark gets that year.
 */
import { RESOURCES } from '../../store/resources';
import type { GraphqlClient, GraphqlResult } from './graphql-client';
import { parseGid } from './bulk-records';

/** A resource's name (its record and child rows) or a child table's (`product_variants`), as deletions.ts takes. */
export type DeletedResource = string;

/**
 * Shopify's EventSubjectType → the gid type of its `subjectId` and the name store/deletions.ts deletes by, from the
 * tables declared with `deletions` (resources.ts), in declaration order.
 */
export const DELETION_SUBJECTS: Readonly<Record<string, { gidType: string; resource: DeletedResource }>> =
  Object.fromEntries(
    RESOURCES.flatMap((resource) =>
      [{ table: resource.table, name: resource.name }, ...resource.children.map((c) => ({ table: c, name: c.name }))]
        .filter(({ table }) => table.deletions)
        .map(({ table, name }) => [
          table.deletions!.subjectType,
          { gidType: table.deletions!.gidType, resource: name },
        ]),
    ),
  );

export type DeletionSubject = string;

export interface DeletedRecord {
  resource: DeletedResource;
  id: number;
  /** The destroy event's `createdAt`: when Shopify deleted the record. */
  deletedAt: string;
}

export interface DeletionEventsOptions {
  /** The last read's watermark (ISO), or null to read every event Shopify still keeps. */
  since: string | null;
  /** How far before `since` to start: events can be listed late (default one hour). */
  lookbackMs?: number;
  subjects?: DeletionSubject[];
  signal?: AbortSignal;
}

export interface DeletionEventsResult {
  /** One entry per deleted record, at its earliest destroy event, in event order. */
  deletions: DeletedRecord[];
  /** The newest event's `createdAt` (the next watermark's candidate), or null when there was none. */
  newestEventAt: string | null;
  /** Events returned that were not a destroy of the subject asked for, or had an unreadable id. */
  ignored: number;
  pages: number;
  requests: number;
  throttledMs: number;
}

export const DEFAULT_LOOKBACK_MS = 60 * 60 * 1000;
const PAGE_SIZE = 250;

const EVENTS = `query DeletionEvents($first: Int!, $after: String, $query: String!) {
  events(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes {
      id
      action
      createdAt
      ... on BasicEvent { subjectId subjectType }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface EventNode {
  id: string;
  action: string;
  createdAt: string;
  subjectId?: string | null;
  subjectType?: string | null;
}

interface EventsPage {
  events: { nodes: EventNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * The search string for the subject types:
 * `action:destroy AND (subject_type:PRODUCT OR subject_type:ORDER) AND created_at:>='…'`.
 */
export function deletionEventsSearch(subjects: readonly DeletionSubject[], from: string | null): string {
  const types = subjects.map((subject) => `subject_type:${subject}`);
  const terms = ['action:destroy', types.length === 1 ? types[0] : `(${types.join(' OR ')})`];
  if (from) terms.push(`created_at:>='${from}'`);
  return terms.join(' AND ');
}

export async function fetchDeletionEvents(
  client: GraphqlClient,
  options: DeletionEventsOptions,
): Promise<DeletionEventsResult> {
  const from = options.since
    ? new Date(Date.parse(options.since) - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS)).toISOString()
    : null;
  const result: DeletionEventsResult = {
    deletions: [],
    newestEventAt: null,
    ignored: 0,
    pages: 0,
    requests: 0,
    throttledMs: 0,
  };
  const seen = new Set<string>();
  const subjects = options.subjects ?? Object.keys(DELETION_SUBJECTS);
  if (subjects.length === 0) return result;
  const query = deletionEventsSearch(subjects, from);
  let after: string | null = null;
  for (;;) {
    const page: GraphqlResult<EventsPage> = await client.query<EventsPage>(
      EVENTS,
      { first: PAGE_SIZE, after, query },
      { signal: options.signal },
    );
    result.pages += 1;
    result.requests += page.requests;
    result.throttledMs += page.throttledMs;
    const { nodes, pageInfo } = page.data.events;
    for (const event of nodes) {
      const subject = event.subjectType ?? '';
      const asked = subjects.includes(subject) ? DELETION_SUBJECTS[subject] : undefined;
      const gid = parseGid(event.subjectId);
      const id = gid ? Number(gid.legacyId) : NaN;
      if (
        !asked ||
        event.action !== 'destroy' ||
        gid?.type !== asked.gidType ||
        !Number.isSafeInteger(id) ||
        Number.isNaN(Date.parse(event.createdAt))
      ) {
        result.ignored += 1;
        continue;
      }
      if (!result.newestEventAt || Date.parse(event.createdAt) > Date.parse(result.newestEventAt)) {
        result.newestEventAt = event.createdAt;
      }
      const key = `${asked.resource}/${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.deletions.push({ resource: asked.resource, id, deletedAt: event.createdAt });
    }
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
    after = pageInfo.endCursor;
  }
  return result;
}
