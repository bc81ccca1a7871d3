/**
 * Every dashboard figure for a date range, recomputed exactly from window.DASHBOARD_DATA (built by
 * activities/dashboard/data.ts). Money stays in integer thousandths and is formatted like analytics_summary.json;
 * divisions round with BigInt, halves away from zero. Runs in the browser (window.DashboardMetrics) and in Node
 * (module.exports, for the unit tests). No DOM here.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.DashboardMetrics = factory();
})(globalThis, function () {
  'use strict';

  const UNDATED = -1;
  const DAY_MS = 86400000;
  const PRESETS = { all: null, '30d': 30, '90d': 90, '365d': 365 };

  // ---- exact money and ratios ----

  /** Thousandths (a safe integer or BigInt) as '1234.50', or 3 decimals when the thousandth is not zero. */
  function formatThousandths(value) {
    const v = BigInt(value);
    const abs = v < 0n ? -v : v;
    const fraction = abs % 1000n;
    const decimals =
      fraction % 10n === 0n ? String(fraction / 10n).padStart(2, '0') : String(fraction).padStart(3, '0');
    return (v < 0n ? '-' : '') + String(abs / 1000n) + '.' + decimals;
  }

  /** numerator / denominator to the nearest integer, halves away from zero (BigInt result). */
  function divideRounded(numerator, denominator) {
    let n = BigInt(numerator);
    let d = BigInt(denominator);
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const abs = n < 0n ? -n : n;
    const rounded = (2n * abs + d) / (2n * d);
    return n < 0n ? -rounded : rounded;
  }

  /** A mean of thousandths rounded to the cent, as a money string; '0.00' for no items. */
  function meanMoney(total, count) {
    if (Number(count) === 0) return '0.00';
    return formatThousandths(divideRounded(total, BigInt(count) * 10n) * 10n);
  }

  /** numerator / denominator rounded to 2 decimals as a number (like the summary's ratios). */
  function ratio2(numerator, denominator) {
    return Number(divideRounded(BigInt(numerator) * 100n, denominator)) / 100;
  }

  /** A money string → thousandths (Number), for deltas and chart values. */
  function parseMoney(text) {
    const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(String(text));
    if (!match) return NaN;
    const value = Number(match[2]) * 1000 + Number((match[3] || '').padEnd(3, '0'));
    return match[1] === '-' ? -value : value;
  }

  /** SQLite's BINARY order: UTF-8 bytes, which is code point order; null first. */
  function compareText(a, b) {
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const ca = a.codePointAt(i);
      const cb = b.codePointAt(j);
      if (ca !== cb) return ca < cb ? -1 : 1;
      i += ca > 0xffff ? 2 : 1;
      j += cb > 0xffff ? 2 : 1;
    }
    return i < a.length ? 1 : j < b.length ? -1 : 0;
  }

  // ---- dates: day index i is data.start + i days ----

  function startMs(data) {
    return data.start === null ? 0 : Date.parse(data.start + 'T00:00:00Z');
  }

  function dayToDate(data, day) {
    return new Date(startMs(data) + day * DAY_MS).toISOString().slice(0, 10);
  }

  /** 'YYYY-MM-DD' → day index (may lie outside the data), or null for text that is not a date. */
  function dateToDay(data, date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date))) return null;
    const ms = Date.parse(date + 'T00:00:00Z');
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return null;
    return Math.round((ms - startMs(data)) / DAY_MS);
  }

  /**
   * A range from a spec: { preset: 'all' | '30d' | '90d' | '365d' } or { from, to } as dates. 'all' has no bounds and
   * also counts records without a usable date; presets end on the last order date. Null dates fall back to the data.
   */
  function resolveRange(data, spec) {
    const first = data.first_order_day;
    const last = data.last_order_day;
    const preset = spec && spec.preset;
    if (!spec || preset === 'all' || (!preset && !spec.from && !spec.to)) {
      return { all: true, preset: 'all', from: first, to: last };
    }
    if (preset && PRESETS[preset]) {
      if (last === null) return { all: false, preset, from: 0, to: -1 };
      return { all: false, preset, from: last - PRESETS[preset] + 1, to: last };
    }
    let from = spec.from ? dateToDay(data, spec.from) : first;
    let to = spec.to ? dateToDay(data, spec.to) : last;
    if (from === null) from = first === null ? 0 : first;
    if (to === null) to = last === null ? -1 : last;
    if (from > to) [from, to] = [to, from];
    return { all: false, preset: null, from, to };
  }

  /** The period of equal length just before a bounded range; null for 'all' (nothing precedes all time). */
  function previousRange(range) {
    if (range.all || range.from === null) return null;
    const length = range.to - range.from + 1;
    return { all: false, preset: null, from: range.from - length, to: range.from - 1 };
  }

  function rangeLength(range) {
    return range.from === null || range.to === null || range.to < range.from ? 0 : range.to - range.from + 1;
  }

  function contains(range, day) {
    if (range.all) return true;
    return day !== UNDATED && day >= range.from && day <= range.to;
  }

  // ---- the figures for one range ----

  const DAY_FIELDS = [
    'orders',
    'sales',
    'discounts',
    'net',
    'refunded',
    'cancelled',
    'processingMs',
    'processingOrders',
  ];

  function sortGroups(groups, keyOrder) {
    return groups.sort((a, b) => {
      if (a.sales !== b.sales) return b.sales - a.sales;
      for (const key of keyOrder) {
        const c = compareText(a[key], b[key]);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  function byCountThenName(map) {
    return [...map]
      .map(([status, orders]) => ({ status, orders }))
      .sort((a, b) => b.orders - a.orders || compareText(a.status, b.status));
  }

  /** The 90th percentile by nearest rank in an ascending array: rank ⌈0.9 n⌉ = ⌊(9n + 9) / 10⌋, exact. */
  function p90(sorted) {
    return sorted[Math.floor((9 * sorted.length + 9) / 10) - 1];
  }

  function compute(data, range) {
    const length = rangeLength(range);
    const inRange = (day) => contains(range, day);
    const offset = (day) => (day !== UNDATED && day >= range.from && day <= range.to ? day - range.from : -1);

    // Per day in the range (charts) and totals (KPIs; 'all' also counts undated records).
    const daily = {};
    for (const field of [...DAY_FIELDS, 'newCustomers', 'firstOrders', 'repeatOrders', 'buyerOrders']) {
      daily[field] = new Array(length).fill(0);
    }
    const totals = {};
    for (const field of DAY_FIELDS) totals[field] = 0;
    for (const row of data.days) {
      if (!inRange(row[0])) continue;
      const at = offset(row[0]);
      DAY_FIELDS.forEach((field, i) => {
        totals[field] += row[i + 1];
        if (at >= 0) daily[field][at] += row[i + 1];
      });
    }

    // Regions: countries grouped as the summary's sales_by_country, provinces as its sales_by_province.
    const countries = new Map();
    const provinces = new Map();
    for (const [day, region, orders, sales] of data.region_days) {
      if (!inRange(day)) continue;
      const [country, countryCode, province, provinceCode] = data.regions[region];
      const ck = JSON.stringify([country, countryCode]);
      const c = countries.get(ck) || { country, country_code: countryCode, orders: 0, sales: 0 };
      c.orders += orders;
      c.sales += sales;
      countries.set(ck, c);
      const pk = JSON.stringify([countryCode, province, provinceCode]);
      const p = provinces.get(pk) || {
        country_code: countryCode,
        country,
        province,
        province_code: provinceCode,
        orders: 0,
        sales: 0,
      };
      p.orders += orders;
      p.sales += sales;
      provinces.set(pk, p);
    }

    // Statuses, per range and per day (the order timeline).
    const financial = new Map();
    const fulfillment = new Map();
    const financialDaily = data.financial_statuses.map(() => new Array(length).fill(0));
    for (const [day, fi, fu, orders] of data.status_days) {
      if (!inRange(day)) continue;
      const f = data.financial_statuses[fi];
      const u = data.fulfillment_statuses[fu];
      financial.set(f, (financial.get(f) || 0) + orders);
      fulfillment.set(u, (fulfillment.get(u) || 0) + orders);
      const at = offset(day);
      if (at >= 0) financialDaily[fi][at] += orders;
    }

    // Customer accounts created in the range ('all': every customer row), by default-address country.
    let customerAccounts = 0;
    const customerCountries = new Map();
    for (const [day, country, count] of data.customer_days) {
      if (!inRange(day)) continue;
      customerAccounts += count;
      customerCountries.set(country, (customerCountries.get(country) || 0) + count);
    }

    // Customers with orders in the range.
    const values = [];
    let valueTotal = 0;
    let repeaters = 0;
    let returning = 0;
    const buckets = { 1: 0, 2: 0, '3–5': 0, '6+': 0 };
    // New: first order ever in the range; returning: ordered before it. One order or repeat: orders in the range.
    const segments = { new_one_order: 0, new_repeat: 0, returning_one_order: 0, returning_repeat: 0 };
    const secondOrderGaps = [];
    for (const flat of data.buyers) {
      let day = 0;
      let firstDay = null;
      let secondDay = null;
      let orders = 0;
      let value = 0;
      for (let i = 0; i < flat.length; i += 3) {
        day = i === 0 ? flat[0] : day + flat[i];
        const n = flat[i + 1];
        if (day !== UNDATED) {
          if (firstDay === null) {
            firstDay = day;
            if (n >= 2) secondDay = day;
          } else if (secondDay === null) secondDay = day;
        }
        if (!inRange(day)) continue;
        orders += n;
        value += flat[i + 2];
        const at = offset(day);
        if (at >= 0) {
          daily.buyerOrders[at] += n;
          if (day === firstDay) {
            daily.firstOrders[at] += 1;
            daily.repeatOrders[at] += n - 1;
          } else daily.repeatOrders[at] += n;
        }
      }
      if (firstDay !== null && offset(firstDay) >= 0) daily.newCustomers[offset(firstDay)] += 1;
      if (secondDay !== null && firstDay !== null && inRange(secondDay)) secondOrderGaps.push(secondDay - firstDay);
      if (orders === 0) continue;
      values.push(value);
      valueTotal += value;
      if (orders >= 2) repeaters += 1;
      const isReturning = !range.all && firstDay !== null && firstDay < range.from;
      if (isReturning) returning += 1;
      segments[(isReturning ? 'returning' : 'new') + (orders >= 2 ? '_repeat' : '_one_order')] += 1;
      buckets[orders === 1 ? 1 : orders === 2 ? 2 : orders <= 5 ? '3–5' : '6+'] += 1;
    }
    values.sort((a, b) => a - b);
    const buyers = values.length;
    const clv =
      buyers === 0
        ? { customers: 0, mean: '0.00', median: '0.00', p90: '0.00' }
        : {
            customers: buyers,
            mean: meanMoney(valueTotal, buyers),
            median: formatThousandths(
              divideRounded(
                BigInt(values[Math.floor((buyers + 1) / 2) - 1]) + BigInt(values[Math.floor((buyers + 2) / 2) - 1]),
                2n,
              ),
            ),
            p90: formatThousandths(p90(values)),
          };

    const countryList = sortGroups([...countries.values()], ['country', 'country_code']);
    const provinceList = sortGroups([...provinces.values()], ['country_code', 'province', 'province_code']);
    return {
      range,
      days: length,
      daily,
      financialDaily,
      totals,
      kpis: {
        total_orders: totals.orders,
        total_sales: formatThousandths(totals.sales),
        aov: meanMoney(totals.sales, totals.orders),
        total_customers: customerAccounts,
        total_discounts: formatThousandths(totals.discounts),
        net_sales: formatThousandths(totals.net),
        total_refunded: formatThousandths(totals.refunded),
        cancelled_orders: totals.cancelled,
        avg_processing_days:
          totals.processingOrders === 0
            ? null
            : ratio2(totals.processingMs, BigInt(totals.processingOrders) * 86400000n),
        repeat_customer_rate: buyers === 0 ? 0 : ratio2(100 * repeaters, buyers),
        customers_with_orders: buyers,
        new_customers: buyers - returning,
        returning_customers: returning,
        repeat_customers: repeaters,
        clv,
      },
      countries: countryList.map((c) => ({ ...c, sales: formatThousandths(c.sales), salesThousandths: c.sales })),
      provinces: provinceList.map((p) => ({ ...p, sales: formatThousandths(p.sales), salesThousandths: p.sales })),
      financial: byCountThenName(financial),
      fulfillment: byCountThenName(fulfillment),
      customerCountries: [...customerCountries]
        .map(([index, customers]) => ({
          country: data.customer_countries[index][0],
          country_code: data.customer_countries[index][1],
          customers,
        }))
        .sort((a, b) => b.customers - a.customers || compareText(a.country, b.country)),
      orderCountBuckets: buckets,
      segments,
      clvValues: values,
      secondOrderGaps,
    };
  }

  // ---- periods for the charts ----

  function autoGranularity(days) {
    return days <= 62 ? 'day' : days <= 550 ? 'week' : 'month';
  }

  /** Period key of a day: the date, the Monday of its ISO week, or the month. */
  function periodOf(data, day, granularity) {
    const date = dayToDate(data, day);
    if (granularity === 'day') return date;
    if (granularity === 'month') return date.slice(0, 7);
    const weekday = (new Date(date + 'T00:00:00Z').getUTCDay() + 6) % 7; // Monday = 0
    return dayToDate(data, day - weekday);
  }

  /** Days in a whole period starting at key: 1, 7, or the month's length. */
  function periodLength(key, granularity) {
    if (granularity === 'day') return 1;
    if (granularity === 'week') return 7;
    return new Date(Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)), 0)).getUTCDate();
  }

  /**
   * Sums the per-day arrays of `result` (and any extra arrays given) into periods of the range: returns
   * { granularity, keys, days, complete, sums: { field: number[] } }, where days[i] counts the range's days in
   * period i and complete[i] tells whether the range covers the whole period (the first and last may be partial).
   */
  function periods(data, result, granularity, extra) {
    const g = granularity === 'auto' || !granularity ? autoGranularity(result.days) : granularity;
    const sources = Object.assign({}, result.daily, extra || {});
    const fields = Object.keys(sources);
    const keys = [];
    const days = [];
    const sums = {};
    for (const field of fields) sums[field] = [];
    let current = null;
    for (let i = 0; i < result.days; i++) {
      const key = periodOf(data, result.range.from + i, g);
      if (key !== current) {
        keys.push(key);
        days.push(0);
        for (const field of fields) sums[field].push(0);
        current = key;
      }
      days[keys.length - 1] += 1;
      for (const field of fields) sums[field][keys.length - 1] += sources[field][i];
    }
    const complete = keys.map((key, i) => days[i] === periodLength(key, g));
    return { granularity: g, keys, days, complete, sums };
  }

  return {
    UNDATED,
    PRESETS,
    formatThousandths,
    divideRounded,
    meanMoney,
    ratio2,
    parseMoney,
    compareText,
    dayToDate,
    dateToDay,
    resolveRange,
    previousRange,
    rangeLength,
    compute,
    autoGranularity,
    periods,
  };
});
