/**
 * The shop's event log, as far as the project reads it: `destroy` events of deleted products, variants, orders and
 * customers, served by the `events` root field as `BasicEvent`s (the `Event` interface plus `subjectId` and
 * `subjectType`). Search: Shopify's grammar (search-grammar.ts: AND, OR, NOT/-, parentheses) over `action:`,
 * `subject_type:`, `created_at:` with comparators and `id:`; other fields Shopify knows (`comments`) are accepted
 * and ignored; unknown ones are warned about, as Shopify does.
 * Sort keys: ID (the default) and CREATED_AT, which order events alike since both grow with time.
 */
import { badRequest, decodeCursor, encodeCursor, pageSize, type ConnectionArgs } from './connections';
import { gid, utc } from './shapes';
import { parseInstant } from '../time';
import type { SearchWarning } from './search';
import { type Comparator, parseSearchQuery, SearchGrammarError, type SearchNode } from './search-grammar';

export const EVENT_SUBJECTS = {
  PRODUCT: 'Product',
  PRODUCT_VARIANT: 'ProductVariant',
  ORDER: 'Order',
  CUSTOMER: 'Customer',
} as const;

export type EventSubject = keyof typeof EVENT_SUBJECTS;

export interface StoreEvent {
  id: number;
  action: string;
  subjectType: EventSubject;
  subjectId: number;
  createdMs: number;
}

type Rec = Record<string, unknown>;

const FIRST_EVENT_ID = 98_765_432_100;

export class EventLog {
  private readonly events: StoreEvent[] = [];

  constructor(
    private readonly utcOffset: string,
    private readonly now: () => number,
  ) {}

  record(action: string, subjectType: EventSubject, subjectIds: readonly number[]): StoreEvent[] {
    const createdMs = Math.floor(this.now() / 1000) * 1000;
    const added = subjectIds.map((subjectId, k) => ({
      id: FIRST_EVENT_ID + this.events.length + k,
      action,
      subjectType,
      subjectId,
      createdMs,
    }));
    for (const e of added) this.events.push(e);
    return added;
  }

  list(): readonly StoreEvent[] {
    return this.events;
  }

  /** The `events` connection: filtered, in id order (or reversed), paged with `first`/`after` or `last`/`before`. */
  connection(args: ConnectionArgs & { query?: string | null }, warnings: SearchWarning[]): Rec {
    const matches = this.parse(args.query ?? '', warnings);
    let list = this.events.filter(matches);
    if (args.reverse) list = [...list].reverse();
    const { size, fromEnd } = pageSize(args, 'events');
    const cursorOf = (e: StoreEvent) => encodeCursor({ id: e.id, value: e.id }, false);
    // Events keep their id order, so a cursor's id finds its place even if the list was filtered differently.
    const past = (id: number) => (e: StoreEvent) => (args.reverse ? e.id < id : e.id > id);
    const firstPast = (cursor: string) => {
      const k = list.findIndex(past(decodeCursor(cursor, false).id));
      return k < 0 ? list.length : k;
    };
    let start = 0;
    let end = list.length;
    if (!fromEnd) {
      if (args.after) start = firstPast(args.after);
      end = Math.min(list.length, start + size);
    } else {
      if (args.before) {
        const id = decodeCursor(args.before, false).id;
        const k = list.findIndex((e) => e.id === id || past(id)(e));
        end = k < 0 ? list.length : k;
      }
      start = Math.max(0, end - size);
    }
    const page = list.slice(start, end);
    const nodes = page.map((e) => this.node(e));
    const cursors = page.map(cursorOf);
    return {
      edges: nodes.map((node, k) => ({ cursor: cursors[k], node })),
      nodes,
      pageInfo: {
        hasNextPage: end < list.length,
        hasPreviousPage: start > 0,
        startCursor: cursors[0] ?? null,
        endCursor: cursors[cursors.length - 1] ?? null,
      },
    };
  }

  private node(e: StoreEvent): Rec {
    const type = EVENT_SUBJECTS[e.subjectType];
    return {
      __typename: 'BasicEvent',
      id: gid('BasicEvent', e.id),
      action: e.action,
      appTitle: null,
      attributeToApp: false,
      attributeToUser: true,
      createdAt: utc(new Date(e.createdMs).toISOString()),
      criticalAlert: false,
      message: `${type} ${e.subjectId} was ${e.action === 'destroy' ? 'deleted' : e.action}.`,
      subjectId: gid(type, e.subjectId),
      subjectType: e.subjectType,
    };
  }

  /**
   * The `query` argument as a predicate over events. Terms Shopify would ignore (an unknown field, free text, a bad
   * date) are dropped with a warning, as if not written: an AND or OR of what is left, or every event if nothing is.
   */
  private parse(query: string, warnings: SearchWarning[]): (e: StoreEvent) => boolean {
    let tree: SearchNode | null;
    try {
      tree = parseSearchQuery(query);
    } catch (error) {
      if (error instanceof SearchGrammarError) throw badRequest(error.message);
      throw error;
    }
    return (tree && this.predicate(tree, warnings)) ?? (() => true);
  }

  private predicate(node: SearchNode, warnings: SearchWarning[]): ((e: StoreEvent) => boolean) | null {
    if (node.kind === 'not') {
      const inner = this.predicate(node.term, warnings);
      return inner && ((e) => !inner(e));
    }
    if (node.kind !== 'term') {
      const terms = node.terms.flatMap((t) => this.predicate(t, warnings) ?? []);
      if (terms.length === 0) return null;
      return node.kind === 'and' ? (e) => terms.every((t) => t(e)) : (e) => terms.some((t) => t(e));
    }
    const { field, comparator, value } = node;
    if (field === null) {
      warnings.push({ field: 'default', message: `Free-text search ("${value}") is not implemented by the emulator.` });
      return null;
    }
    if (field === 'action' && comparator === ':') return (e) => e.action === value;
    if (field === 'subject_type' && comparator === ':') {
      const subject = value.toUpperCase();
      return (e) => e.subjectType === subject;
    }
    if (field === 'created_at') {
      const ms = parseInstant(value, this.utcOffset);
      if (ms === undefined) {
        warnings.push({ field, message: `Invalid date: ${value}` });
        return null;
      }
      return compare(comparator, ms, (e) => e.createdMs);
    }
    if (field === 'id' && /^\d+$/.test(value)) return compare(comparator, Number(value), (e) => e.id);
    // `comments` only adds comment events, of which the emulator has none.
    if (field !== 'comments') warnings.push({ field, message: 'Invalid search field for this query.' });
    return null;
  }
}

function compare(comparator: Comparator, bound: number, of: (e: StoreEvent) => number): (e: StoreEvent) => boolean {
  switch (comparator) {
    case ':>=':
      return (e) => of(e) >= bound;
    case ':>':
      return (e) => of(e) > bound;
    case ':<=':
      return (e) => of(e) <= bound;
    case ':<':
      return (e) => of(e) < bound;
    default:
      return (e) => of(e) === bound;
  }
}
