import type { SheetsFault } from './types';

interface Tracked {
  fault: SheetsFault;
  matched: number;
  fired: number;
}

/** Decides which requests fail with a canned error, counting matching requests per fault. */
export class FaultSchedule {
  private tracked: Tracked[] = [];

  constructor(faults: SheetsFault[] = []) {
    this.set(faults);
  }

  /** Replaces the faults and restarts their counts. */
  set(faults: SheetsFault[]): void {
    this.tracked = faults.map((fault) => ({ fault, matched: 0, fired: 0 }));
  }

  /** The fault to answer this request with, if any. Every matching fault counts the request. */
  next(method: string, path: string): SheetsFault | undefined {
    let chosen: SheetsFault | undefined;
    for (const entry of this.tracked) {
      const { fault } = entry;
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (fault.pathIncludes && !path.includes(fault.pathIncludes)) continue;
      entry.matched += 1;
      const first = fault.nth ?? fault.from ?? 1;
      const limit = fault.times ?? (fault.nth !== undefined ? 1 : Infinity);
      if (!chosen && entry.matched >= first && entry.fired < limit) {
        entry.fired += 1;
        chosen = fault;
      }
    }
    return chosen;
  }
}
