import type { Meta, ResourceGenerator } from './generator';
import { rngFor, Tag } from './prng';
import { floorToSecond } from './time';

interface OverlayEntry<R, M> {
  record: R;
  meta: M;
}

export interface MutationResult {
  updated: number[];
  created: number[];
}

/**
 * One resource: generated records plus an overlay of mutated and created ones. Only the overlay
 * is held in memory; everything else is regenerated on demand.
 */
export class ResourceData<R extends { id: number }, M extends Meta = Meta> {
  private readonly overlay = new Map<number, OverlayEntry<R, M>>();
  /** Overlay indexes in ascending order, rebuilt after each mutation. */
  private sortedOverlay: number[] = [];
  private createdCount = 0;
  private mutations = 0;
  /** Indexes of deleted records: gone from every answer, their ids never reused. */
  private readonly deleted = new Set<number>();

  constructor(
    readonly gen: ResourceGenerator<R, M>,
    private readonly seed: number,
    private readonly tag: number,
  ) {}

  get baseCount(): number {
    return this.gen.baseCount;
  }

  get total(): number {
    return this.gen.baseCount + this.createdCount;
  }

  /** Records the shop still has: created ones in, deleted ones out. */
  get liveCount(): number {
    return this.total - this.deleted.size;
  }

  get deletedCount(): number {
    return this.deleted.size;
  }

  isDeleted(i: number): boolean {
    return this.deleted.has(i);
  }

  get overlayIndexes(): readonly number[] {
    return this.sortedOverlay;
  }

  isOverlaid(i: number): boolean {
    return this.overlay.has(i);
  }

  idAt(i: number): number {
    return this.gen.ids.at(i);
  }

  /** The index of a record the shop has; undefined for unknown and deleted ids. */
  indexOfId(id: number): number | undefined {
    const i = this.positionOfId(id);
    return i !== undefined && !this.deleted.has(i) ? i : undefined;
  }

  /** The index an id has or had: a cursor naming a record deleted since still marks a place in the order. */
  positionOfId(id: number): number | undefined {
    const i = this.gen.ids.indexOf(id);
    return i !== undefined && i < this.total ? i : undefined;
  }

  metaAt(i: number): M {
    return this.overlay.get(i)?.meta ?? this.gen.meta(i);
  }

  /** A fresh object every time, so callers may modify what they get. */
  recordAt(i: number): R {
    const entry = this.overlay.get(i);
    return entry ? structuredClone(entry.record) : this.gen.build(i, this.gen.meta(i));
  }

  *records(): Generator<R> {
    for (let i = 0; i < this.total; i++) if (!this.deleted.has(i)) yield this.recordAt(i);
  }

  /** Deletes records by id; throws before deleting any if one is unknown or already deleted. */
  remove(ids: readonly number[]): void {
    const indexes = ids.map((id) => {
      const i = this.indexOfId(id);
      if (i === undefined) throw new Error(`delete: no record with id ${id}`);
      return i;
    });
    for (const i of indexes) this.deleted.add(i);
  }

  /** Replaces a record's content, updated at `nowMs` (a variant deleted from a product); `change` sets updated_at. */
  replace(id: number, nowMs: number, change: (record: R) => R): void {
    const i = this.indexOfId(id);
    if (i === undefined) throw new Error(`replace: no record with id ${id}`);
    this.overlay.set(i, {
      record: change(this.recordAt(i)),
      meta: { ...this.metaAt(i), updatedMs: floorToSecond(nowMs) },
    });
    this.sortedOverlay = [...this.overlay.keys()].sort((a, b) => a - b);
  }

  mutate(change: { update?: number; create?: number; ids?: number[] }, nowMs: number): MutationResult {
    const now = floorToSecond(nowMs);
    const rng = rngFor(this.seed, this.tag, Tag.mutation, this.mutations++);
    const targets = new Set<number>();
    for (const id of change.ids ?? []) {
      const i = this.indexOfId(id);
      if (i === undefined) throw new Error(`mutate: no record with id ${id}`);
      targets.add(i);
    }
    const wanted = Math.min(Math.max(0, Math.floor(change.update ?? 0)), this.total);
    // Stratified choice: one record from each of `wanted` equal slices of the id range.
    for (let k = 0; k < wanted; k++) targets.add(Math.floor(((k + rng.next()) * this.total) / wanted));

    const updated: number[] = [];
    for (const i of [...targets].sort((a, b) => a - b)) {
      const next = this.gen.mutate(this.recordAt(i), this.metaAt(i), now, rng);
      this.overlay.set(i, next);
      updated.push(next.record.id);
    }
    const created: number[] = [];
    for (let k = 0; k < Math.max(0, Math.floor(change.create ?? 0)); k++) {
      const i = this.total;
      const meta = this.gen.freshMeta(i, now);
      const record = this.gen.build(i, meta);
      this.overlay.set(i, { record, meta });
      this.createdCount++;
      created.push(record.id);
    }
    this.sortedOverlay = [...this.overlay.keys()].sort((a, b) => a - b);
    return { updated, created };
  }
}

/** Type-erased dataset: the API only needs ids and JSON-able records. */
export type AnyData = ResourceData<{ id: number }, Meta>;
