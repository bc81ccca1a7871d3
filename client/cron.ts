/** What a cron field may hold: the range Temporal accepts and the names it knows. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const SHORTHANDS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function valueOf(text: string, field: CronField): number | null {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : null;
}

function checkItem(item: string, field: CronField): string | null {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `"${item}" has a bad step`;
  if (range === '*') return null;
  const [from, to, more] = range.split('-');
  const bounds = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  if (more !== undefined || valueOf(from, field) === null || (to !== undefined && valueOf(to, field) === null)) {
    return `"${item}" is not in ${bounds}`;
  }
  return null;
}

/**
 * Why a cron expression is not one Temporal's schedules accept (five fields: minute hour day-of-month month
 * day-of-week, each `*`, numbers, ranges, lists and steps; or a shorthand like @hourly), or null when it is.
 */
export function cronProblem(expression: string): string | null {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    return SHORTHANDS.includes(trimmed.toLowerCase()) ? null : `${trimmed} is not one of ${SHORTHANDS.join(', ')}`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length) return `it has ${parts.length} fields, a cron expression has 5`;
  for (const [i, part] of parts.entries()) {
    for (const item of part.split(',')) {
      const problem = checkItem(item, FIELDS[i]);
      if (problem) return `its ${FIELDS[i].name} field: ${problem}`;
    }
  }
  return null;
}
