/** What every scenario reports: named figures with a unit and, where the brief sets one, a target and whether it is met. */
export interface Figure {
  figure: string;
  value: number | null;
  unit: string;
  /** Shown instead of the number when set (e.g. "98 (minimum 98)"). */
  display?: string;
  target?: string;
  /** null: a target exists but the figure could not be measured. */
  met?: boolean | null;
}

export interface ProfileRow {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  what: string;
  sampledMs: number;
  threads: number;
  top: ProfileRow[];
  byCategory: Array<{ category: string; selfMs: number; percent: number }>;
  files: string[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** Store size, limits, number of runs. */
  setup: string;
  figures: Figure[];
  profile?: ProfileSummary;
  /** Per-run raw measurements, for results.json. */
  details: Record<string, unknown>;
}

export function info(figure: string, value: number | null, unit: string, display?: string): Figure {
  return { figure, value, unit, ...(display ? { display } : {}) };
}

export function target(
  figure: string,
  value: number | null,
  unit: string,
  goal: string,
  ok: (value: number) => boolean,
  display?: string,
): Figure {
  return { figure, value, unit, target: goal, met: value === null ? null : ok(value), ...(display ? { display } : {}) };
}
