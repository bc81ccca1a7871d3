/**
 * The shop's event log, as far as the project reads it: `destroy` events of deleted products, variants, orders and
 * customers, served by the `events` root field as `BasicEvent`s (the `Event` interface plus `subjectId` and
 * `subjectType`). Search: `action:`, `subject_type:`, `created_at:` with comparators and `id:`, joined by AND;
 * other fields Shopify knows (`comments`) are accepted and ignored; unknown ones are warned about, as Shopify does.
 * Sort keys: ID (the default) and CREATED_AT, which order events alike since both grow with time.
 */
import { badRequest, decodeCursor, encodeCursor, pageSize, type ConnectionArgs } from './connections';
import { gid, utc } from './shapes';
import { parseInstant } from '../time';
import type { SearchWarning } from './search';

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

const TERM = /^([a-z_]+):(<=|>=|<|>|=)?(?:'([^']*)'|"([^"]*)"|(\S+))$/;
const FIRST_EVENT_ID = 98_765_432_100;

interface EventFilter {
  action?: string;
  subjectType?: string;
  createdMin?: number;
  createdMax?: number;
  idMin?: number;
  idMax?: number;
}

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
    const filter = this.parse(args.query ?? '', warnings);
    let list = this.events.filter((e) => matches(e, filter));
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

  private parse(query: string, warnings: SearchWarning[]): EventFilter {
    const filter: EventFilter = {};
    for (const token of query.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? []) {
      if (token === 'AND') continue;
      if (token === 'OR' || token === 'NOT' || token.startsWith('(') || token.startsWith('-')) {
        throw badRequest(`the emulator does not implement "${token}" in search queries (only AND)`);
      }
      const m = TERM.exec(token);
      if (!m) {
        warnings.push({
          field: 'default',
          message: `Free-text search ("${token}") is not implemented by the emulator.`,
        });
        continue;
      }
      const [, field, op = '=', q1, q2, bare] = m;
      const value = q1 ?? q2 ?? bare ?? '';
      if (field === 'action') filter.action = value;
      else if (field === 'subject_type') filter.subjectType = value.toUpperCase();
      else if (field === 'created_at') {
        const ms = parseInstant(value, this.utcOffset);
        if (ms === undefined) warnings.push({ field, message: `Invalid date: ${value}` });
        else bound(filter, 'createdMin', 'createdMax', op, ms);
      } else if (field === 'id' && /^\d+$/.test(value)) bound(filter, 'idMin', 'idMax', op, Number(value));
      else if (field !== 'comments') warnings.push({ field, message: 'Invalid search field for this query.' });
    }
    return filter;
  }
}

function bound(filter: EventFilter, min: 'createdMin' | 'idMin', max: 'createdMax' | 'idMax', op: string, v: number) {
  const raise = (x: number) => (filter[min] = Math.max(filter[min] ?? -Infinity, x));
  const lower = (x: number) => (filter[max] = Math.min(filter[max] ?? Infinity, x));
  if (op === '>=') raise(v);
  else if (op === '>') raise(v + 1);
  else if (op === '<=') lower(v);
  else if (op === '<') lower(v - 1);
  else {
    raise(v);
    lower(v);
  }
}

function matches(e: StoreEvent, f: EventFilter): boolean {
  return (
    (f.action === undefined || e.action === f.action) &&
    (f.subjectType === undefined || e.subjectType === f.subjectType) &&
    (f.createdMin === undefined || e.createdMs >= f.createdMin) &&
    (f.createdMax === undefined || e.createdMs <= f.createdMax) &&
    (f.idMin === undefined || e.id >= f.idMin) &&
    (f.idMax === undefined || e.id <= f.idMax)
  );
}
