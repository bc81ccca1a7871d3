import type { ResourceData } from './dataset';
import type { Meta } from './generator';
import { ANCHOR_MS, MAX_UPDATE_DELAY_MS } from './time';

export type OrderStatus = 'open' | 'closed' | 'cancelled' | 'any';

/** Filters as instants and ids: what a GraphQL search query compiles to (graphql/search.ts). */
export interface Filter {
  updatedMin?: number;
  updatedMax?: number;
  createdMin?: number;
  createdMax?: number;
  sinceId?: number;
  ids?: number[];
  status?: OrderStatus;
}

/**
 * Finds matching record indexes in ascending (or descending) id order without scanning from the
 * start: created_at grows with the index and updated_at is at most MAX_UPDATE_DELAY_MS later, so
 * the date filters bound the generated index range; mutated and created records live in the overlay.
 */
export class Query<R extends { id: number }, M extends Meta> {
  /** Generated index range [lo, hi) that can contain matches. */
  private readonly lo: number;
  private readonly hi: number;
  private readonly sinceIndex: number;
  private readonly idIndexes?: number[];

  constructor(
    private readonly data: ResourceData<R, M>,
    private readonly filter: Filter,
  ) {
    const timeline = data.gen.timeline;
    let lo = 0;
    let hi = data.baseCount;
    this.sinceIndex = filter.sinceId === undefined ? 0 : data.gen.ids.firstAbove(filter.sinceId);
    lo = Math.max(lo, this.sinceIndex);
    if (filter.createdMin !== undefined) lo = Math.max(lo, timeline.firstAtOrAfter(filter.createdMin));
    if (filter.updatedMin !== undefined) {
      lo = Math.max(lo, timeline.firstAtOrAfter(filter.updatedMin - MAX_UPDATE_DELAY_MS));
      // Generated records are never updated after the anchor; only the overlay can match.
      if (filter.updatedMin > ANCHOR_MS) lo = data.baseCount;
    }
    if (filter.createdMax !== undefined) hi = Math.min(hi, timeline.firstAfter(filter.createdMax));
    if (filter.updatedMax !== undefined) hi = Math.min(hi, timeline.firstAfter(filter.updatedMax));
    this.lo = lo;
    this.hi = hi;
    if (filter.ids) {
      const indexes = filter.ids.map((id) => data.indexOfId(id)).filter((i): i is number => i !== undefined);
      this.idIndexes = [...new Set(indexes)].sort((a, b) => a - b);
    }
  }

  matches(i: number, meta: Meta): boolean {
    const f = this.filter;
    if (i < this.sinceIndex || this.data.isDeleted(i)) return false;
    if (f.createdMin !== undefined && meta.createdMs < f.createdMin) return false;
    if (f.createdMax !== undefined && meta.createdMs > f.createdMax) return false;
    if (f.updatedMin !== undefined && meta.updatedMs < f.updatedMin) return false;
    if (f.updatedMax !== undefined && meta.updatedMs > f.updatedMax) return false;
    switch (f.status) {
      case 'open':
        return meta.closedMs === null && meta.cancelledMs === null;
      case 'closed':
        return meta.closedMs !== null;
      case 'cancelled':
        return meta.cancelledMs !== null;
      default:
        return true;
    }
  }

  /** Matching indexes strictly after (dir 1) or before (dir -1) the index `from`. */
  *walk(from: number, dir: 1 | -1): Generator<number> {
    if (this.idIndexes) {
      const list = dir === 1 ? this.idIndexes : [...this.idIndexes].reverse();
      for (const i of list) {
        if ((dir === 1 ? i > from : i < from) && this.matches(i, this.data.metaAt(i))) yield i;
      }
      return;
    }
    yield* dir === 1 ? this.forward(from) : this.backward(from);
  }

  private *forward(from: number): Generator<number> {
    const { data } = this;
    const overlay = data.overlayIndexes;
    let o = upperBound(overlay, from);
    let g = Math.max(this.lo, from + 1);
    for (;;) {
      while (g < this.hi && data.isOverlaid(g)) g++;
      const nextGenerated = g < this.hi ? g : Infinity;
      const nextOverlay = o < overlay.length ? overlay[o] : Infinity;
      if (nextGenerated === Infinity && nextOverlay === Infinity) return;
      if (nextGenerated < nextOverlay) {
        g++;
        if (this.matches(nextGenerated, data.gen.meta(nextGenerated))) yield nextGenerated;
      } else {
        o++;
        if (this.matches(nextOverlay, data.metaAt(nextOverlay))) yield nextOverlay;
      }
    }
  }

  private *backward(from: number): Generator<number> {
    const { data } = this;
    const overlay = data.overlayIndexes;
    let o = upperBound(overlay, from - 1) - 1;
    let g = Math.min(this.hi - 1, from - 1);
    for (;;) {
      while (g >= this.lo && data.isOverlaid(g)) g--;
      const nextGenerated = g >= this.lo ? g : -Infinity;
      const nextOverlay = o >= 0 ? overlay[o] : -Infinity;
      if (nextGenerated === -Infinity && nextOverlay === -Infinity) return;
      if (nextGenerated > nextOverlay) {
        g--;
        if (this.matches(nextGenerated, data.gen.meta(nextGenerated))) yield nextGenerated;
      } else {
        o--;
        if (this.matches(nextOverlay, data.metaAt(nextOverlay))) yield nextOverlay;
      }
    }
  }

  count(): number {
    const f = this.filter;
    const onlyIndexBounds =
      !this.idIndexes &&
      f.updatedMin === undefined &&
      f.updatedMax === undefined &&
      (f.status ?? 'any') === 'any' &&
      this.data.deletedCount === 0;
    if (!onlyIndexBounds) {
      let n = 0;
      const it = this.walk(-1, 1);
      while (!it.next().done) n++;
      return n;
    }
    // Mutations keep created_at, so every generated index in range matches; add created records.
    let n = Math.max(0, this.hi - this.lo);
    for (const i of this.data.overlayIndexes) {
      if (i >= this.data.baseCount && this.matches(i, this.data.metaAt(i))) n++;
    }
    return n;
  }
}

/** First position in the ascending array whose value is > x. */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
