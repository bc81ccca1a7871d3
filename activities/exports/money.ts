/**
 * Exact money arithmetic for reports: amounts travel as integer thousandths (enough for every currency Shopify
 * has) and are formatted back to decimal strings, so no float ever rounds a total.
 */

/**
 * SQL expression turning a decimal TEXT money column into integer thousandths. Exact for Shopify's strings of at
 * most 3 decimals below ~9e12: the double nearest to `x * 1000` is within 0.5 of the integer, so ROUND lands on it.
 */
export function thousandthsSql(column: string): string {
  return `CAST(ROUND(CAST(${column} AS REAL) * 1000) AS INTEGER)`;
}

/** Thousandths as a decimal string: 2 decimals, 3 when the thousandth is not zero ('1234.50', '0.125'). */
export function formatThousandths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const fraction = abs % 1000n;
  const decimals = fraction % 10n === 0n ? String(fraction / 10n).padStart(2, '0') : String(fraction).padStart(3, '0');
  return `${sign}${abs / 1000n}.${decimals}`;
}

/** numerator / denominator rounded to the nearest integer, halves away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return divideRounded(-numerator, -denominator);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const rounded = (2n * abs + denominator) / (2n * denominator);
  return negative ? -rounded : rounded;
}

/** A mean of thousandths rounded to the cent, as a money string ('12.35'). */
export function meanMoney(totalThousandths: bigint, count: bigint): string {
  if (count === 0n) return '0.00';
  return formatThousandths(divideRounded(totalThousandths, count * 10n) * 10n);
}

/** numerator / denominator as a number rounded to 2 decimals (halves away from zero), computed exactly. */
export function ratio2(numerator: bigint, denominator: bigint): number {
  return Number(divideRounded(numerator * 100n, denominator)) / 100;
}
