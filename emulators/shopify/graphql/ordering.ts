/**
 * Matching record indexes in a sort order, strictly after a position. ID, CREATED_AT and PROCESSED_AT follow the
 * index (created_at grows with it; mutations keep it), so the store's query walker (query.ts) serves them.
 * UPDATED_AT is not the index order: generated records with updated_at in a window were created at most
 * MAX_UPDATE_DELAY_MS earlier, so a growing window is scanned and sorted, and mutated or created records (the
 * overlay) are merged in.
 */
import type { AnyData } from '../dataset';
import { Query } from '../query';
import { ANCHOR_MS, DAY_MS, MAX_UPDATE_DELAY_MS } from '../time';
import type { SearchFilter } from './search';

export type SortKey = 'ID' | 'CREATED_AT' | 'PROCESSED_AT' | 'UPDATED_AT';

/** A position in a sort order: the sort value (ms for dates, the id otherwise) and the id breaking ties. */
export interface Position {
  value: number;
  id: number;
}

export class Ordering {
  private readonly query: Query<{ id: number }, ReturnType<AnyData['metaAt']>>;

  constructor(
    private readonly data: AnyData,
    private readonly filter: SearchFilter,
    readonly sortKey: SortKey,
  ) {
    this.query = new Query(data, filter);
  }

  position(i: number): Position {
    const id = this.data.idAt(i);
    return { value: this.sortKey === 'UPDATED_AT' ? this.data.metaAt(i).updatedMs : id, id };
  }

  /** Up to `limit` indexes after `from` (or from the start) in ascending (dir 1) or descending (dir -1) order. */
  take(from: Position | undefined, dir: 1 | -1, limit: number): number[] {
    if (this.filter.empty) return [];
    const out: number[] = [];
    const it = this.sortKey === 'UPDATED_AT' ? this.byUpdated(from, dir) : this.byIndex(from, dir);
    for (const i of it) {
      if (this.filter.idMax !== undefined && this.data.idAt(i) > this.filter.idMax) {
        if (this.sortKey !== 'UPDATED_AT' && dir === 1) break;
        continue;
      }
      out.push(i);
      if (out.length >= limit) break;
    }
    return out;
  }

  count(): number {
    if (this.filter.empty) return 0;
    if (this.filter.idMax === undefined) return this.query.count();
    let n = 0;
    for (const i of this.query.walk(-1, 1)) {
      if (this.data.idAt(i) > this.filter.idMax) break;
      n++;
    }
    return n;
  }

  private *byIndex(from: Position | undefined, dir: 1 | -1): Generator<number> {
    let start: number;
    if (!from) start = dir === 1 ? -1 : this.data.total;
    else {
      // The position's record may be gone from the filter; its id still orders it.
      const i = this.data.positionOfId(from.id);
      start = i ?? (dir === 1 ? this.data.gen.ids.firstAbove(from.id) - 1 : this.data.gen.ids.firstAbove(from.id));
    }
    yield* this.query.walk(start, dir);
  }

  private *byUpdated(from: Position | undefined, dir: 1 | -1): Generator<number> {
    const { data } = this;
    const after = (p: Position) => from === undefined || (dir === 1 ? compare(p, from) > 0 : compare(p, from) < 0);
    const overlay = data.overlayIndexes
      .filter((i) => this.query.matches(i, data.metaAt(i)))
      .map((i) => ({ i, p: this.position(i) }))
      .filter((e) => after(e.p))
      .sort((a, b) => dir * compare(a.p, b.p));
    let o = 0;
    const timeline = data.gen.timeline;
    const first = data.baseCount ? timeline.createdMs(0) : ANCHOR_MS;
    const last = ANCHOR_MS; // generated records are never updated after the anchor
    const { updatedMin, updatedMax } = this.filter;
    let edge = from
      ? from.value
      : dir === 1
        ? Math.max(first, updatedMin ?? first)
        : Math.min(last, updatedMax ?? last);
    let width = DAY_MS;
    while (dir === 1 ? edge <= last : edge >= first) {
      // Window [edge, edge + width) going up, (edge - width, edge] going down.
      const lowU = dir === 1 ? edge : edge - width + 1;
      const highU = dir === 1 ? edge + width - 1 : edge;
      const lo = timeline.firstAtOrAfter(lowU - MAX_UPDATE_DELAY_MS);
      const hi = Math.min(data.baseCount, timeline.firstAfter(highU));
      const found: { i: number; p: Position }[] = [];
      for (let i = lo; i < hi; i++) {
        if (data.isOverlaid(i)) continue;
        const meta = data.gen.meta(i);
        if (meta.updatedMs < lowU || meta.updatedMs > highU || !this.query.matches(i, meta)) continue;
        const p = { value: meta.updatedMs, id: data.idAt(i) };
        if (after(p)) found.push({ i, p });
      }
      found.sort((a, b) => dir * compare(a.p, b.p));
      for (const g of found) {
        while (o < overlay.length && dir * compare(overlay[o].p, g.p) < 0) yield overlay[o++].i;
        yield g.i;
      }
      while (o < overlay.length && (dir === 1 ? overlay[o].p.value <= highU : overlay[o].p.value >= lowU)) {
        yield overlay[o++].i;
      }
      edge = dir === 1 ? highU + 1 : lowU - 1;
      // Few matches: widen the next window; the scan costs the window plus the 30-day look-back either way.
      if (found.length < 100) width = Math.min(width * 2, 64 * DAY_MS);
    }
    while (o < overlay.length) yield overlay[o++].i;
  }
}

function compare(a: Position, b: Position): number {
  return a.value - b.value || a.id - b.id;
}
