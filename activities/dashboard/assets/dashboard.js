/* global window, document, location, history, localStorage, navigator, URLSearchParams, setTimeout, clearTimeout, echarts */
/**
 * The dashboard's pages: reads window.DASHBOARD_DATA, keeps the date filter in the URL hash (and localStorage, so a
 * page opened without one gets the last filter), computes the figures with window.DashboardMetrics and draws them
 * with ECharts. Exposes window.dashboard = { ready, page, range, result, charts } for tests.
 */
(function () {
  'use strict';

  const data = window.DASHBOARD_DATA;
  const M = window.DashboardMetrics;
  const page = document.body.dataset.page;
  const STORAGE_KEY = 'shopify-dashboard-filter';
  const ANIMATE = !navigator.webdriver;
  const FONT = "'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif";
  const COLORS = ['#2563eb', '#0d9488', '#f59e0b', '#7c3aed', '#0891b2', '#db2777', '#64748b', '#16a34a', '#ea580c'];
  const STATUS_COLORS = {
    paid: '#2563eb',
    authorized: '#0891b2',
    pending: '#f59e0b',
    partially_paid: '#0d9488',
    partially_refunded: '#7c3aed',
    refunded: '#db2777',
    voided: '#64748b',
    unknown: '#cbd5e1',
    fulfilled: '#16a34a',
    partial: '#f59e0b',
    unfulfilled: '#94a3b8',
    restocked: '#db2777',
  };
  const GRID_LINE = { lineStyle: { color: '#eef2f7' } };
  const AXIS_LINE = { lineStyle: { color: '#cbd5e1' } };
  const charts = {};

  // ---- formatting (display only: figures stay exact strings or integers) ----

  const groupDigits = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  function money(text) {
    const match = /^(-?)(\d+)(\.\d+)?$/.exec(String(text));
    return match ? match[1] + groupDigits(match[2]) + (match[3] || '') : String(text);
  }
  const moneyOf = (thousandths) => money(M.formatThousandths(thousandths));
  const count = (n) => (n < 0 ? '-' : '') + groupDigits(String(Math.abs(n)));
  const units = (thousandths) => thousandths / 1000;
  function compact(value) {
    const abs = Math.abs(value);
    if (abs >= 1e6) return +(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1) + 'M';
    if (abs >= 1e3) return +(value / 1e3).toFixed(abs >= 1e4 ? 0 : 1) + 'k';
    return String(+value.toFixed(abs < 10 ? 1 : 0));
  }
  const percent = (part, whole) => (whole ? ((100 * part) / whole).toFixed(1) + '%' : '—');
  function esc(text) {
    return String(text).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  }
  const label = (status) => status.charAt(0).toUpperCase() + status.slice(1).replace(/_/g, ' ');
  const currency = data.currency ? ' ' + data.currency : '';

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** Axis label and tooltip title of a period key. */
  function periodLabel(key, granularity, withYear) {
    const month = MONTHS[Number(key.slice(5, 7)) - 1];
    if (granularity === 'month') return month + ' ' + key.slice(0, 4);
    const text = month + ' ' + Number(key.slice(8, 10)) + (withYear ? " '" + key.slice(2, 4) : '');
    return granularity === 'week' ? 'Wk ' + text : text;
  }
  function periodTitle(key, granularity) {
    if (granularity === 'month') return periodLabel(key, 'month');
    return (granularity === 'week' ? 'Week of ' : '') + key;
  }

  // ---- the filter: URL hash first, then localStorage ----

  function parseState(text) {
    const params = new URLSearchParams(text);
    const state = { spec: null, granularity: 'auto' };
    if (params.get('range')) state.spec = { preset: params.get('range') };
    else if (params.get('from') || params.get('to')) state.spec = { from: params.get('from'), to: params.get('to') };
    const g = params.get('g');
    if (g && ['auto', 'day', 'week', 'month'].includes(g)) state.granularity = g;
    return state;
  }

  function stateText(state) {
    const params = new URLSearchParams();
    const spec = state.spec || { preset: 'all' };
    if (spec.preset) params.set('range', spec.preset);
    else {
      if (spec.from) params.set('from', spec.from);
      if (spec.to) params.set('to', spec.to);
    }
    if (state.granularity !== 'auto') params.set('g', state.granularity);
    return params.toString();
  }

  function readState() {
    const hash = location.hash.replace(/^#/, '');
    if (hash) return parseState(hash);
    try {
      return parseState(localStorage.getItem(STORAGE_KEY) || '');
    } catch {
      return parseState('');
    }
  }

  let state = readState();

  function saveState() {
    const text = stateText(state);
    if (location.hash.replace(/^#/, '') !== text) history.replaceState(null, '', '#' + text);
    try {
      localStorage.setItem(STORAGE_KEY, text);
    } catch {
      // file:// pages may have no storage: the hash still carries the filter between pages.
    }
    document.querySelectorAll('[data-page-link]').forEach((a) => {
      a.setAttribute('href', a.getAttribute('href').split('#')[0] + '#' + text);
    });
  }

  function setupFilters() {
    const first = data.first_order_day === null ? null : M.dayToDate(data, data.first_order_day);
    const last = data.last_order_day === null ? null : M.dayToDate(data, data.last_order_day);
    document.querySelectorAll('[data-range]').forEach((input) => {
      if (first) input.min = first;
      if (last) input.max = last;
      input.addEventListener('change', () => {
        const from = document.querySelector('[data-range="from"]').value || null;
        const to = document.querySelector('[data-range="to"]').value || null;
        state = { spec: { from, to }, granularity: state.granularity };
        update();
      });
    });
    document.querySelectorAll('[data-preset]').forEach((button) => {
      button.addEventListener('click', () => {
        state = { spec: { preset: button.dataset.preset }, granularity: state.granularity };
        update();
      });
    });
    const select = document.querySelector('[data-granularity]');
    select.addEventListener('change', () => {
      state = { spec: state.spec, granularity: select.value };
      update();
    });
    window.addEventListener('hashchange', () => {
      const next = parseState(location.hash.replace(/^#/, ''));
      if (stateText(next) !== stateText(state)) {
        state = next;
        update();
      }
    });
  }

  function showFilters(range) {
    document.querySelectorAll('[data-preset]').forEach((b) => {
      b.classList.toggle('active', b.dataset.preset === range.preset);
    });
    const hasDays = M.rangeLength(range) > 0;
    document.querySelector('[data-range="from"]').value = hasDays ? M.dayToDate(data, range.from) : '';
    document.querySelector('[data-range="to"]').value = hasDays ? M.dayToDate(data, range.to) : '';
    document.querySelector('[data-granularity]').value = state.granularity;
    const undated = data.days.filter((d) => d[0] === M.UNDATED).reduce((n, d) => n + d[1], 0);
    let text = hasDays
      ? M.dayToDate(data, range.from) +
        ' – ' +
        M.dayToDate(data, range.to) +
        ' · ' +
        count(M.rangeLength(range)) +
        ' days'
      : 'No orders';
    if (range.all) text = 'All time · ' + text + (undated ? ' (+' + count(undated) + ' undated orders)' : '');
    document.querySelector('[data-range-label]').textContent = text;
  }

  function showHeader() {
    const w = data.window;
    document.querySelector('[data-data-note]').textContent =
      (w.first_order_at
        ? 'Orders ' + w.first_order_at.slice(0, 10) + ' → ' + w.last_order_at.slice(0, 10)
        : 'No orders yet') +
      ' · data as of ' +
      data.generated_at.replace('T', ' ').slice(0, 16) +
      ' UTC' +
      (data.currency ? ' · amounts in ' + data.currency : '');
    document.querySelector('[data-footer]').textContent =
      'Computed from shopify_data.db with the definitions of docs/analytics.md; with “All time” the figures equal ' +
      'analytics_summary.json. Shop-local dates. Money is added exactly, in every currency as stored.';
  }

  // ---- KPI elements ----

  function setText(selector, text) {
    const el = document.querySelector(selector);
    if (el) el.textContent = text;
    return el;
  }

  /** Shows a figure; data-value keeps it exactly as analytics_summary.json writes it. */
  function setKpi(name, value, text, note) {
    const el = document.querySelector('[data-kpi="' + name + '"]');
    if (!el) return;
    el.textContent = text;
    el.dataset.value = value === null ? 'null' : String(value);
    if (note !== undefined) setText('[data-kpi-note="' + name + '"]', note);
  }

  const days = (value) => (value === null ? '—' : String(value));

  // ---- charts ----

  function chart(name) {
    if (!charts[name]) {
      const el = document.querySelector('[data-chart="' + name + '"]');
      charts[name] = echarts.init(el, null, { renderer: 'canvas' });
    }
    return charts[name];
  }

  function draw(name, option, note) {
    const base = {
      animation: ANIMATE,
      animationDuration: 400,
      color: COLORS,
      textStyle: { fontFamily: FONT, color: '#334155' },
      // Labels and axis names are kept inside the grid's box (ECharts 6's outer bounds, exact, unlike containLabel).
      grid: { left: 4, right: 20, top: 32, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
      legend: {
        top: 2,
        left: 0,
        icon: 'roundRect',
        itemWidth: 12,
        itemHeight: 8,
        itemGap: 16,
        textStyle: { fontSize: 12, color: '#334155' },
      },
      tooltip: {
        confine: true,
        backgroundColor: '#ffffff',
        borderColor: '#e2e8f0',
        textStyle: { color: '#0f172a', fontSize: 12 },
      },
    };
    // Legend, tooltip and grid given by a chart refine the common ones instead of replacing them.
    const merged = Object.assign({}, base, option);
    for (const key of ['legend', 'tooltip', 'grid']) merged[key] = Object.assign({}, base[key], option[key]);
    chart(name).setOption(merged, { notMerge: true });
    if (note !== undefined) setText('[data-chart-note="' + name + '"]', note);
  }

  function empty(name, message) {
    draw(
      name,
      {
        legend: { show: false },
        series: [],
        graphic: {
          type: 'text',
          left: 'center',
          top: 'middle',
          style: { text: message || 'No orders in this range', fill: '#94a3b8', fontSize: 14, fontFamily: FONT },
        },
      },
      '',
    );
  }

  /** Tooltip of a bar chart counting customers: the bar's count and its share of `total`. */
  function customersBarTooltip(total) {
    return {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(148, 163, 184, 0.12)' } },
      formatter: (params) =>
        '<b>' +
        esc(params[0].name) +
        '</b><br>' +
        count(params[0].value) +
        ' customers · ' +
        percent(params[0].value, total),
    };
  }

  function categoryAxis(labels, extra) {
    return Object.assign(
      {
        type: 'category',
        data: labels,
        axisLine: AXIS_LINE,
        axisTick: { alignWithLabel: true, lineStyle: { color: '#cbd5e1' } },
        axisLabel: { fontSize: 11, hideOverlap: true, color: '#475569' },
      },
      extra,
    );
  }

  function valueAxis(extra) {
    return Object.assign(
      {
        type: 'value',
        splitLine: GRID_LINE,
        axisLabel: { fontSize: 11, formatter: compact, color: '#475569' },
        nameTextStyle: { color: '#64748b', fontSize: 11 },
      },
      extra,
    );
  }

  /** An axis tooltip: a title per data index, then each series with its own exact formatter (by data index). */
  function axisTooltip(titles, formats) {
    return {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(148, 163, 184, 0.12)' } },
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        let html = '<b>' + esc(titles[list[0].dataIndex]) + '</b>';
        for (const p of list) {
          const format = formats[p.seriesName];
          html +=
            '<br>' + p.marker + esc(p.seriesName) + ': <b>' + esc(format ? format(p.dataIndex) : p.value) + '</b>';
        }
        return html;
      },
    };
  }

  function periodAxis(p) {
    const first = p.keys[0] || '';
    const last = p.keys[p.keys.length - 1] || '';
    const withYear = first.slice(0, 4) !== last.slice(0, 4);
    return {
      labels: p.keys.map((k) => periodLabel(k, p.granularity, withYear)),
      titles: p.keys.map((k) => periodTitle(k, p.granularity)),
      note: { day: 'per day', week: 'per week', month: 'per month' }[p.granularity],
    };
  }

  const hasOrders = (result) => result.totals.orders > 0 && result.days > 0;

  // ---- Overview ----

  function overview(result, range) {
    const k = result.kpis;
    const t = result.totals;
    setKpi('total_orders', k.total_orders, count(k.total_orders), count(k.cancelled_orders) + ' cancelled');
    setKpi(
      'total_customers',
      k.total_customers,
      count(k.total_customers),
      (range.all ? 'all accounts' : 'created in range') + ' · ' + count(k.customers_with_orders) + ' ordered',
    );
    setKpi('aov', k.aov, money(k.aov), 'total sales ÷ orders' + currency);
    setKpi(
      'avg_processing_days',
      k.avg_processing_days,
      days(k.avg_processing_days),
      count(t.processingOrders) + ' fulfilled orders',
    );
    setKpi('total_sales', k.total_sales, money(k.total_sales), 'net ' + money(k.net_sales) + currency);
    setKpi(
      'total_discounts',
      k.total_discounts,
      money(k.total_discounts),
      percent(t.discounts, t.sales + t.discounts) + ' of gross sales' + currency,
    );

    if (!hasOrders(result)) return ['sales-aov', 'customers-orders'].forEach((c) => empty(c));
    const p = M.periods(data, result, state.granularity);
    const axis = periodAxis(p);
    const s = p.sums;
    const aov = s.sales.map((sales, i) => (s.orders[i] ? M.meanMoney(sales, s.orders[i]) : null));
    draw(
      'sales-aov',
      {
        tooltip: axisTooltip(axis.titles, {
          Sales: (i) => moneyOf(s.sales[i]) + currency,
          'Average order value': (i) => (aov[i] === null ? '—' : money(aov[i]) + currency),
        }),
        legend: { data: ['Sales', 'Average order value'] },
        xAxis: categoryAxis(axis.labels),
        yAxis: [valueAxis({ name: 'Sales' }), valueAxis({ name: 'AOV', splitLine: { show: false } })],
        series: [
          {
            name: 'Sales',
            type: 'bar',
            data: s.sales.map(units),
            barMaxWidth: 28,
            itemStyle: { borderRadius: [3, 3, 0, 0] },
          },
          {
            name: 'Average order value',
            type: 'line',
            yAxisIndex: 1,
            data: aov.map((v) => (v === null ? null : Number(v))),
            smooth: p.granularity !== 'day',
            symbolSize: 5,
            lineStyle: { width: 2.5 },
            color: COLORS[2],
          },
        ],
      },
      'Sales = Σ total price · AOV = sales ÷ orders · ' + axis.note,
    );
    draw(
      'customers-orders',
      {
        tooltip: axisTooltip(axis.titles, {
          'New customers': (i) => count(s.newCustomers[i]),
          Orders: (i) => count(s.orders[i]),
        }),
        legend: { data: ['New customers', 'Orders'] },
        xAxis: categoryAxis(axis.labels),
        yAxis: [
          valueAxis({ name: 'Customers', minInterval: 1 }),
          valueAxis({ name: 'Orders', minInterval: 1, splitLine: { show: false } }),
        ],
        series: [
          {
            name: 'New customers',
            type: 'bar',
            data: s.newCustomers,
            barMaxWidth: 28,
            color: COLORS[1],
            itemStyle: { borderRadius: [3, 3, 0, 0] },
          },
          {
            name: 'Orders',
            type: 'line',
            yAxisIndex: 1,
            data: s.orders,
            smooth: p.granularity !== 'day',
            symbolSize: 5,
            lineStyle: { width: 2.5 },
            color: COLORS[3],
          },
        ],
      },
      'New customer = first order in the period · ' + axis.note,
    );
  }

  // ---- Geographic ----

  function horizontalBars(name, labels, values, format, color, note) {
    const short = labels.map((l) => (l.length > 26 ? l.slice(0, 25) + '…' : l));
    draw(
      name,
      {
        grid: { right: 40, top: 4 },
        legend: { show: false },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(148, 163, 184, 0.12)' } },
          formatter: (params) =>
            '<b>' + esc(labels[params[0].dataIndex]) + '</b><br>' + esc(format(params[0].dataIndex)),
        },
        xAxis: valueAxis(),
        yAxis: categoryAxis(short, {
          inverse: true,
          axisTick: { show: false },
          axisLabel: { fontSize: 11, color: '#334155' },
        }),
        series: [
          {
            type: 'bar',
            data: values,
            barMaxWidth: 16,
            color,
            itemStyle: { borderRadius: [0, 3, 3, 0] },
            label: {
              show: true,
              position: 'right',
              fontSize: 11,
              color: '#475569',
              formatter: (p) => compact(p.value),
            },
          },
        ],
      },
      note,
    );
  }

  function geographic(result) {
    const countries = result.countries;
    const total = result.totals.sales;
    const customersByCode = new Map();
    for (const c of result.customerCountries) {
      customersByCode.set(c.country_code, (customersByCode.get(c.country_code) || 0) + c.customers);
    }

    if (!hasOrders(result)) {
      empty('sales-map');
      empty('sales-provinces');
    } else {
      if (!echarts.getMap('world')) echarts.registerMap('world', window.WORLD_GEOJSON);
      const onMap = new Set(window.WORLD_GEOJSON.features.map((f) => f.properties.iso));
      const mapped = countries.filter((c) => c.country_code && onMap.has(c.country_code));
      const byCode = new Map(mapped.map((c) => [c.country_code, c]));
      const off = countries.filter((c) => !byCode.has(c.country_code) || byCode.get(c.country_code) !== c);
      const max = Math.max(1, ...mapped.map((c) => units(c.salesThousandths)));
      const el = document.querySelector('[data-chart="sales-map"]');
      const legendWidth = 90;
      const size = Math.max(100, Math.min(el.clientWidth - 2 * legendWidth, (el.clientHeight - 16) * 1.94));
      const mapBox = { size, centerX: el.clientWidth / 2 };
      draw(
        'sales-map',
        {
          legend: { show: false },
          tooltip: {
            trigger: 'item',
            formatter: (p) => {
              const c = byCode.get(p.name);
              const name = c ? c.country : p.data && p.data.label ? p.data.label : p.name;
              if (!c) return esc(name) + '<br>No orders';
              return (
                '<b>' +
                esc(c.country) +
                '</b><br>Sales: <b>' +
                esc(money(c.sales) + currency) +
                '</b><br>Orders: <b>' +
                count(c.orders) +
                '</b><br>Share of sales: <b>' +
                percent(c.salesThousandths, total) +
                '</b>'
              );
            },
          },
          visualMap: {
            type: 'continuous',
            min: 0,
            max,
            left: 8,
            bottom: 16,
            itemHeight: 120,
            calculable: true,
            text: ['High', 'Low'],
            textStyle: { color: '#475569', fontSize: 11 },
            formatter: (v) => compact(v),
            inRange: { color: ['#dbeafe', '#93c5fd', '#3b82f6', '#1d4ed8', '#1e3a8a'] },
          },
          series: [
            {
              name: 'Sales',
              type: 'map',
              map: 'world',
              nameProperty: 'iso',
              showLegendSymbol: false,
              roam: true,
              scaleLimit: { min: 1, max: 8 },
              // Kept to its aspect (the world without Antarctica, ECharts' 0.75 aspect scale: about 1.94 : 1),
              // as large as the panel allows beside the color scale.
              layoutCenter: [mapBox.centerX, '50%'],
              layoutSize: mapBox.size,
              itemStyle: { areaColor: '#eef2f7', borderColor: '#ffffff', borderWidth: 0.6 },
              emphasis: { label: { show: false }, itemStyle: { areaColor: '#f59e0b' } },
              select: { disabled: true },
              data: mapped.map((c) => ({ name: c.country_code, value: units(c.salesThousandths), label: c.country })),
            },
          ],
        },
        off.length
          ? 'Not on the map: ' + off.map((c) => c.country + ' (' + count(c.orders) + ' orders)').join(', ')
          : 'Shipping country of each order',
      );
      const top = result.provinces.slice(0, 15);
      horizontalBars(
        'sales-provinces',
        top.map((p) =>
          p.province === 'Unknown'
            ? p.country_code
              ? p.country + ' (no region)'
              : 'No shipping address'
            : p.province + ', ' + p.country_code,
        ),
        top.map((p) => units(p.salesThousandths)),
        (i) => 'Sales ' + money(top[i].sales) + currency + ' · ' + count(top[i].orders) + ' orders',
        COLORS[0],
        count(result.provinces.length) + ' regions · shipping province',
      );
    }

    const topCustomers = result.customerCountries.slice(0, 15);
    if (topCustomers.length === 0) empty('customers-countries', 'No customer accounts in this range');
    else {
      horizontalBars(
        'customers-countries',
        topCustomers.map((c) => c.country),
        topCustomers.map((c) => c.customers),
        (i) => count(topCustomers[i].customers) + ' customers',
        COLORS[1],
        'Accounts by default address' + (state.spec && state.spec.preset !== 'all' ? ', created in range' : ''),
      );
    }

    const tbody = document.querySelector('[data-table="regions"] tbody');
    tbody.textContent = '';
    for (const c of countries) {
      const tr = document.createElement('tr');
      const regions = result.provinces
        .filter((p) => p.country_code === c.country_code && p.province !== 'Unknown')
        .slice(0, 3)
        .map((p) => p.province)
        .join(', ');
      const share = total ? (100 * c.salesThousandths) / total : 0;
      const widest = countries.length && total ? (100 * countries[0].salesThousandths) / total : 100;
      const cells = [
        [c.country, ''],
        [c.country_code || '—', ''],
        [count(c.orders), 'num'],
        [money(c.sales), 'num'],
        [share.toFixed(1) + '%', 'num share'],
        [M.meanMoney(c.salesThousandths, c.orders), 'num'],
        [
          c.country_code && customersByCode.has(c.country_code) ? count(customersByCode.get(c.country_code)) : '—',
          'num',
        ],
        [regions || '—', ''],
      ];
      cells.forEach(([text, cls], i) => {
        const td = document.createElement('td');
        if (cls) td.className = cls;
        if (i === 4) {
          const bar = document.createElement('span');
          bar.className = 'share-bar';
          bar.style.width = Math.max(2, Math.round((60 * share) / widest)) + 'px';
          td.appendChild(bar);
        }
        td.appendChild(document.createTextNode(text));
        tr.appendChild(td);
      });
      tr.dataset.country = c.country;
      tbody.appendChild(tr);
    }
    setText(
      '[data-table-note="regions"]',
      count(countries.length) + ' countries · sales' + currency + ' by shipping country · customers by default address',
    );
  }

  // ---- Orders & Customers ----

  function donut(name, items, note) {
    const total = items.reduce((n, i) => n + i.value, 0);
    draw(
      name,
      {
        legend: { type: 'scroll', orient: 'vertical', left: '66%', top: 'middle', itemGap: 10, align: 'left' },
        tooltip: {
          trigger: 'item',
          formatter: (p) => '<b>' + esc(p.name) + '</b><br>' + count(p.value) + ' · ' + percent(p.value, total) + '',
        },
        series: [
          {
            type: 'pie',
            radius: ['48%', '74%'],
            center: ['36%', '52%'],
            avoidLabelOverlap: true,
            itemStyle: { borderColor: '#fff', borderWidth: 2 },
            label: { show: true, formatter: (p) => percent(p.value, total), fontSize: 11, color: '#334155' },
            labelLine: { length: 8, length2: 6 },
            data: items,
          },
        ],
        graphic: {
          type: 'text',
          left: '36%',
          top: '52%',
          style: {
            text: count(total),
            x: 0,
            y: 0,
            textAlign: 'center',
            textVerticalAlign: 'middle',
            fontSize: 18,
            fontWeight: 600,
            fill: '#0f172a',
            fontFamily: FONT,
          },
        },
      },
      note,
    );
  }

  function statusItems(list) {
    return list.map((s, i) => ({
      name: label(s.status),
      value: s.orders,
      itemStyle: { color: STATUS_COLORS[s.status] || COLORS[i % COLORS.length] },
    }));
  }

  /** A "nice" bin width: 1, 2, 2.5 or 5 × 10^k just above span / bins. */
  function niceStep(span, bins) {
    const raw = Math.max(span / bins, 1e-9);
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
    return 10 * power;
  }

  function histogram(values, bins) {
    const n = values.length;
    const low = Math.min(0, values[0]);
    const high = values[Math.min(n - 1, Math.floor(0.98 * n))];
    const step = niceStep(high - low, bins);
    const start = Math.floor(low / step) * step;
    const edges = [];
    for (let e = start; e <= high; e += step) edges.push(e);
    const counts = new Array(edges.length).fill(0);
    for (const v of values) counts[Math.min(edges.length - 1, Math.max(0, Math.floor((v - start) / step)))] += 1;
    const last = edges.length - 1;
    const labels = edges.map((e, i) => (i === last ? '≥ ' + compact(e) : compact(e) + '–' + compact(e + step)));
    return { labels, counts };
  }

  function ordersCustomers(result) {
    const k = result.kpis;
    setKpi(
      'customers_with_orders',
      k.customers_with_orders,
      count(k.customers_with_orders),
      count(k.repeat_customers) + ' ordered twice or more',
    );
    setKpi('repeat_customer_rate', k.repeat_customer_rate, String(k.repeat_customer_rate), 'of customers with orders');
    setKpi('new_customers', k.new_customers, count(k.new_customers), count(k.returning_customers) + ' returning');
    setKpi('clv_mean', k.clv.mean, money(k.clv.mean), 'sales per customer' + currency);
    setKpi('clv_median', k.clv.median, money(k.clv.median), 'half the customers are below');
    setKpi('clv_p90', k.clv.p90, money(k.clv.p90), 'nearest rank');

    if (!hasOrders(result)) {
      ['order-timeline', 'financial-status', 'fulfillment-status', 'repeat-purchases'].forEach((c) => empty(c));
    } else {
      const statusOrder = result.financial.map((f) => f.status);
      const extra = {};
      data.financial_statuses.forEach((status, i) => {
        extra['status:' + status] = result.financialDaily[i];
      });
      const p = M.periods(data, result, state.granularity, extra);
      const axis = periodAxis(p);
      const formats = {};
      const series = statusOrder.map((status) => {
        const values = p.sums['status:' + status];
        formats[label(status)] = (i) => count(values[i]);
        return {
          name: label(status),
          type: 'bar',
          stack: 'orders',
          data: values,
          barMaxWidth: 28,
          color: STATUS_COLORS[status],
          emphasis: { focus: 'series' },
        };
      });
      draw(
        'order-timeline',
        {
          tooltip: axisTooltip(axis.titles, formats),
          xAxis: categoryAxis(axis.labels),
          yAxis: valueAxis({ name: 'Orders', minInterval: 1 }),
          series,
        },
        count(result.totals.orders) + ' orders · ' + axis.note,
      );
      donut('financial-status', statusItems(result.financial), 'financial_status (null: unknown)');
      donut('fulfillment-status', statusItems(result.fulfillment), 'fulfillment_status (null: unfulfilled)');

      const first = p.sums.firstOrders;
      const repeat = p.sums.repeatOrders;
      const guest = p.sums.orders.map((o, i) => o - p.sums.buyerOrders[i]);
      const share = first.map((f, i) => (f + repeat[i] ? +((100 * repeat[i]) / (f + repeat[i])).toFixed(1) : null));
      draw(
        'repeat-purchases',
        {
          tooltip: axisTooltip(axis.titles, {
            'First orders': (i) => count(first[i]),
            'Repeat orders': (i) => count(repeat[i]),
            'Guest orders': (i) => count(guest[i]),
            'Repeat share': (i) => (share[i] === null ? '—' : share[i] + '%'),
          }),
          xAxis: categoryAxis(axis.labels),
          yAxis: [
            valueAxis({ name: 'Orders', minInterval: 1 }),
            valueAxis({
              name: 'Repeat share',
              min: 0,
              max: 100,
              splitLine: { show: false },
              axisLabel: { fontSize: 11, formatter: '{value}%', color: '#475569' },
            }),
          ],
          series: [
            { name: 'First orders', type: 'bar', stack: 'o', data: first, color: COLORS[1], barMaxWidth: 28 },
            { name: 'Repeat orders', type: 'bar', stack: 'o', data: repeat, color: COLORS[0], barMaxWidth: 28 },
            { name: 'Guest orders', type: 'bar', stack: 'o', data: guest, color: '#cbd5e1', barMaxWidth: 28 },
            {
              name: 'Repeat share',
              type: 'line',
              yAxisIndex: 1,
              data: share,
              smooth: p.granularity !== 'day',
              symbolSize: 4,
              color: COLORS[2],
              lineStyle: { width: 2.5 },
            },
          ],
        },
        'First order of a customer vs later orders · ' + axis.note,
      );
    }

    const seg = result.segments;
    const segments = [
      { name: 'New, one order', value: seg.new_one_order, itemStyle: { color: '#93c5fd' } },
      { name: 'New, repeat', value: seg.new_repeat, itemStyle: { color: '#2563eb' } },
      { name: 'Returning, one order', value: seg.returning_one_order, itemStyle: { color: '#5eead4' } },
      { name: 'Returning, repeat', value: seg.returning_repeat, itemStyle: { color: '#0d9488' } },
    ].filter((s) => s.value > 0);
    if (k.customers_with_orders === 0) {
      empty('customer-segments', 'No customer orders in this range');
      empty('order-buckets', 'No customer orders in this range');
      empty('clv-histogram', 'No customer orders in this range');
    } else {
      donut('customer-segments', segments, 'New = first order in the range');
      const b = result.orderCountBuckets;
      const bucketValues = [b[1], b[2], b['3–5'], b['6+']];
      draw(
        'order-buckets',
        {
          legend: { show: false },
          tooltip: customersBarTooltip(k.customers_with_orders),
          grid: { top: 16 },
          xAxis: categoryAxis(['1 order', '2 orders', '3–5 orders', '6+ orders']),
          yAxis: valueAxis({ name: 'Customers', minInterval: 1 }),
          series: [
            {
              type: 'bar',
              data: bucketValues,
              barMaxWidth: 56,
              itemStyle: {
                borderRadius: [4, 4, 0, 0],
                color: (p) => ['#93c5fd', '#60a5fa', '#2563eb', '#1e3a8a'][p.dataIndex],
              },
              label: {
                show: true,
                position: 'top',
                fontSize: 11,
                color: '#334155',
                formatter: (p) => percent(p.value, k.customers_with_orders),
              },
            },
          ],
        },
        'Orders per customer within the range',
      );
      const h = histogram(result.clvValues.map(units), 24);
      draw(
        'clv-histogram',
        {
          legend: { show: false },
          grid: { top: 16 },
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(148, 163, 184, 0.12)' } },
            formatter: (params) =>
              '<b>' + esc(params[0].name) + currency + '</b><br>' + count(params[0].value) + ' customers',
          },
          xAxis: categoryAxis(h.labels, { name: 'Lifetime value' + currency, nameLocation: 'middle', nameGap: 28 }),
          yAxis: valueAxis({ name: 'Customers', minInterval: 1 }),
          series: [
            {
              type: 'bar',
              data: h.counts,
              barCategoryGap: '8%',
              color: COLORS[3],
              itemStyle: { borderRadius: [3, 3, 0, 0] },
            },
          ],
        },
        'Mean ' +
          money(k.clv.mean) +
          ' · median ' +
          money(k.clv.median) +
          ' · p90 ' +
          money(k.clv.p90) +
          currency +
          ' · ' +
          count(k.customers_with_orders) +
          ' customers',
      );
    }

    const gaps = result.secondOrderGaps;
    if (gaps.length === 0) empty('second-order', 'No second orders in this range');
    else {
      const edges = [
        ['Same day', 0, 0],
        ['1–7 days', 1, 7],
        ['8–30 days', 8, 30],
        ['31–90 days', 31, 90],
        ['91–180 days', 91, 180],
        ['181–365 days', 181, 365],
        ['Over a year', 366, Infinity],
      ];
      const counts = edges.map(([, low, high]) => gaps.filter((g) => g >= low && g <= high).length);
      const sorted = gaps.slice().sort((a, b) => a - b);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      draw(
        'second-order',
        {
          legend: { show: false },
          grid: { top: 16 },
          tooltip: customersBarTooltip(gaps.length),
          xAxis: categoryAxis(edges.map((e) => e[0])),
          yAxis: valueAxis({ name: 'Customers', minInterval: 1 }),
          series: [
            {
              type: 'bar',
              data: counts,
              barMaxWidth: 64,
              color: COLORS[4],
              itemStyle: { borderRadius: [4, 4, 0, 0] },
              label: { show: true, position: 'top', fontSize: 11, color: '#334155', formatter: (p) => count(p.value) },
            },
          ],
        },
        count(gaps.length) +
          ' customers whose second order is in the range · median ' +
          count(median) +
          (median === 1 ? ' day' : ' days'),
      );
    }
  }

  // ---- Coherent Analysis ----

  /** Least-squares line through points, as two end points (null when x does not vary). */
  function trendLine(points) {
    const n = points.length;
    if (n < 2) return null;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const [x, y] of points) {
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const d = n * sxx - sx * sx;
    if (d === 0) return null;
    const slope = (n * sxy - sx * sy) / d;
    const intercept = (sy - slope * sx) / n;
    const xs = points.map((p) => p[0]);
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs);
    return [
      [x0, intercept + slope * x0],
      [x1, intercept + slope * x1],
    ];
  }

  function scatter(name, points, titles, xName, yName, tooltip, color, note) {
    const line = trendLine(points);
    draw(
      name,
      {
        legend: { data: ['Periods', 'Trend'] },
        grid: { right: 16 },
        tooltip: {
          trigger: 'item',
          formatter: (p) =>
            p.seriesName === 'Trend'
              ? 'Least-squares trend'
              : '<b>' + esc(titles[p.dataIndex]) + '</b><br>' + tooltip(p.dataIndex),
        },
        xAxis: valueAxis({ name: xName, nameLocation: 'middle', nameGap: 26, scale: true }),
        yAxis: valueAxis({ name: yName, scale: true }),
        series: [
          { name: 'Periods', type: 'scatter', data: points, symbolSize: 7, color, itemStyle: { opacity: 0.7 } },
          {
            name: 'Trend',
            type: 'line',
            data: line || [],
            symbol: 'none',
            color: '#0f172a',
            lineStyle: { type: 'dashed', width: 1.5 },
            silent: true,
          },
        ],
      },
      note,
    );
  }

  /** Figures compared between periods: [value as a number for the delta, displayed text, lower is better]. */
  function scoreValue(name, k) {
    switch (name) {
      case 'total_sales':
      case 'net_sales':
      case 'aov':
      case 'total_discounts':
        return [M.parseMoney(k[name]), money(k[name]), name === 'total_discounts'];
      case 'avg_processing_days':
        return [k[name], days(k[name]), true];
      case 'repeat_customer_rate':
        return [k[name], String(k[name]), false];
      default:
        return [k[name], count(k[name]), false];
    }
  }

  function coherent(result, range) {
    const previousRange = M.previousRange(range);
    const previous = previousRange ? M.compute(data, previousRange) : null;
    const hasPrevious = previous !== null && previous.totals.orders > 0;
    setText(
      '[data-comparison]',
      previousRange
        ? 'Compared with the previous ' +
            count(M.rangeLength(previousRange)) +
            ' days: ' +
            M.dayToDate(data, previousRange.from) +
            ' – ' +
            M.dayToDate(data, previousRange.to) +
            (hasPrevious ? '' : ' (no orders then)')
        : 'All time has no earlier period to compare with: choose a range (e.g. Last 90 days) to see the changes.',
    );
    for (const el of document.querySelectorAll('[data-scorecard]')) {
      const name = el.dataset.scorecard;
      const [value, text, lowerIsBetter] = scoreValue(name, result.kpis);
      const kpiValue = ['total_sales', 'net_sales', 'aov', 'total_discounts'].includes(name)
        ? result.kpis[name]
        : result.kpis[name];
      setKpi(name, kpiValue, text);
      const delta = el.querySelector('[data-delta]');
      const prevEl = el.querySelector('[data-previous]');
      delta.className = 'delta';
      if (!previous) {
        delta.textContent = 'no previous period';
        prevEl.textContent = '';
        continue;
      }
      const [before, beforeText] = scoreValue(name, previous.kpis);
      prevEl.textContent = 'previous: ' + beforeText;
      if (value === null || before === null || before === 0) {
        delta.textContent = '— no base to compare';
        continue;
      }
      const change = ((value - before) / Math.abs(before)) * 100;
      const sign = change > 0 ? '▲ +' : change < 0 ? '▼ ' : '■ ';
      delta.textContent = sign + change.toFixed(1) + '% vs previous period';
      delta.dataset.value = change.toFixed(1);
      if (change !== 0) delta.classList.add(change > 0 !== lowerIsBetter ? 'up' : 'down');
    }

    if (!hasOrders(result)) {
      ['aov-orders', 'discounts-sales', 'cumulative-sales', 'trend-index'].forEach((c) => empty(c));
      return;
    }
    // Scatter points: per day for ranges up to 3 months, else per complete week (a partial one would stray).
    const pointsGranularity = result.days <= 92 ? 'day' : 'week';
    const byDay = M.periods(data, result, pointsGranularity);
    const dayIdx = byDay.keys.map((_, i) => i).filter((i) => byDay.sums.orders[i] > 0 && byDay.complete[i]);
    scatter(
      'aov-orders',
      dayIdx.map((i) => [byDay.sums.orders[i], Number(M.meanMoney(byDay.sums.sales[i], byDay.sums.orders[i]))]),
      dayIdx.map((i) => periodTitle(byDay.keys[i], pointsGranularity)),
      'Orders per ' + pointsGranularity,
      'AOV',
      (j) => {
        const i = dayIdx[j];
        return (
          'Orders: <b>' +
          count(byDay.sums.orders[i]) +
          '</b><br>AOV: <b>' +
          esc(money(M.meanMoney(byDay.sums.sales[i], byDay.sums.orders[i])) + currency) +
          '</b>'
        );
      },
      COLORS[0],
      'One point per ' + (pointsGranularity === 'day' ? 'day' : 'complete week'),
    );
    const weekly = M.periods(data, result, result.days <= 62 ? 'day' : 'week');
    const wIdx = weekly.keys.map((_, i) => i).filter((i) => weekly.sums.orders[i] > 0 && weekly.complete[i]);
    scatter(
      'discounts-sales',
      wIdx.map((i) => [units(weekly.sums.sales[i]), units(weekly.sums.discounts[i])]),
      wIdx.map((i) => periodTitle(weekly.keys[i], weekly.granularity)),
      'Sales per ' + weekly.granularity,
      'Discounts',
      (j) => {
        const i = wIdx[j];
        const s = weekly.sums;
        return (
          'Sales: <b>' +
          esc(moneyOf(s.sales[i]) + currency) +
          '</b><br>Discounts: <b>' +
          esc(moneyOf(s.discounts[i]) + currency) +
          '</b><br>Discount rate: <b>' +
          percent(s.discounts[i], s.sales[i] + s.discounts[i]) +
          '</b>'
        );
      },
      COLORS[5],
      percent(result.totals.discounts, result.totals.sales + result.totals.discounts) + ' of gross sales discounted',
    );

    const cumulative = (values) => {
      let sum = 0;
      return values.map((v) => +((sum += v) / 1000).toFixed(2));
    };
    const current = cumulative(result.daily.sales);
    const before = previous ? cumulative(previous.daily.sales) : [];
    const labels = current.map((_, i) => 'Day ' + (i + 1));
    const series = [
      {
        name: 'This period',
        type: 'line',
        data: current,
        showSymbol: false,
        color: COLORS[0],
        lineStyle: { width: 2.5 },
        areaStyle: { color: 'rgba(37, 99, 235, 0.08)' },
      },
    ];
    if (hasPrevious) {
      series.push({
        name: 'Previous period',
        type: 'line',
        data: before,
        showSymbol: false,
        color: '#94a3b8',
        lineStyle: { width: 2, type: 'dashed' },
      });
    }
    draw(
      'cumulative-sales',
      {
        tooltip: axisTooltip(
          labels,
          Object.fromEntries(
            series.map((s) => [
              s.name,
              (i) => (s.data[i] === undefined ? '—' : money(s.data[i].toFixed(2)) + currency),
            ]),
          ),
        ),
        legend: { data: series.map((s) => s.name) },
        xAxis: categoryAxis(labels, { boundaryGap: false }),
        yAxis: valueAxis({ name: 'Sales' }),
        series,
      },
      hasPrevious ? 'Running totals, day by day' : 'No previous period with orders',
    );

    // Trends read better a step coarser than the other charts; per-day rates keep partial periods comparable.
    const trendGranularity =
      state.granularity !== 'auto'
        ? state.granularity
        : result.days <= 14
          ? 'day'
          : result.days <= 92
            ? 'week'
            : 'month';
    const p = M.periods(data, result, trendGranularity);
    const axis = periodAxis(p);
    const aov = p.sums.sales.map((s, i) => (p.sums.orders[i] ? Number(M.meanMoney(s, p.sums.orders[i])) : null));
    const perDay = (values) => values.map((v, i) => v / p.days[i]);
    const indexed = (values) => {
      const present = values.filter((v) => v !== null);
      const mean = present.reduce((a, b) => a + b, 0) / (present.length || 1);
      return values.map((v) => (v === null || mean === 0 ? null : +((100 * v) / mean).toFixed(1)));
    };
    const trends = [
      ['Sales', perDay(p.sums.sales), COLORS[0]],
      ['Orders', perDay(p.sums.orders), COLORS[3]],
      ['AOV', aov, COLORS[2]],
      ['New customers', perDay(p.sums.newCustomers), COLORS[1]],
    ];
    const trendSeries = trends.map(([name, values, color]) => ({
      name,
      type: 'line',
      data: indexed(values),
      smooth: p.granularity !== 'day',
      symbolSize: 5,
      color,
      lineStyle: { width: 2 },
    }));
    draw(
      'trend-index',
      {
        tooltip: axisTooltip(
          axis.titles,
          Object.fromEntries(trendSeries.map((s) => [s.name, (i) => (s.data[i] === null ? '—' : String(s.data[i]))])),
        ),
        legend: { data: trends.map((t) => t[0]) },
        xAxis: categoryAxis(axis.labels, { boundaryGap: false }),
        yAxis: valueAxis({ name: 'Index', scale: true, axisLabel: { fontSize: 11, color: '#475569' } }),
        series: trendSeries.concat([
          {
            name: 'Average',
            type: 'line',
            data: [],
            markLine: {
              silent: true,
              symbol: 'none',
              label: { show: false },
              lineStyle: { color: '#94a3b8', type: 'dotted' },
              data: [{ yAxis: 100 }],
            },
          },
        ]),
      },
      'Daily rate ÷ its average × 100 (= 100 on average) · ' + axis.note,
    );
  }

  // ---- wiring ----

  const PAGES = {
    overview: overview,
    geographic: geographic,
    'orders-customers': ordersCustomers,
    'coherent-analysis': coherent,
  };

  function update() {
    const range = M.resolveRange(data, state.spec);
    const result = M.compute(data, range);
    saveState();
    showFilters(range);
    PAGES[page](result, range);
    window.dashboard = { ready: true, page, state, range, result, charts };
    document.body.dataset.ready = 'true';
  }

  showHeader();
  setupFilters();
  update();
  let resizing = null;
  window.addEventListener('resize', () => {
    Object.values(charts).forEach((c) => c.resize());
    // The map's size is computed from its panel: redraw once the resizing settles.
    clearTimeout(resizing);
    resizing = setTimeout(update, 200);
  });
})();
