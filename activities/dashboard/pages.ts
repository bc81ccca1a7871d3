/**
 * The four pages of the dashboard (the Power BI report's): static HTML sharing one stylesheet and script. The layout
 * is here; assets/dashboard.js fills the KPI elements (`data-kpi`) and draws the charts (`data-chart`).
 */

export interface PageSpec {
  id: 'overview' | 'geographic' | 'orders-customers' | 'coherent-analysis';
  file: string;
  title: string;
  /** Extra scripts before data.js (the world map only where it is drawn). */
  scripts: string[];
  body: string;
}

const escape = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function kpi(name: string, label: string, unit = ''): string {
  return `<article class="kpi">
      <h3>${escape(label)}</h3>
      <p class="kpi-figure"><span class="kpi-value" data-kpi="${name}">…</span>${unit ? `<span class="kpi-unit">${escape(unit)}</span>` : ''}</p>
      <p class="kpi-note" data-kpi-note="${name}"></p>
    </article>`;
}

function scorecard(name: string, label: string): string {
  return `<article class="kpi scorecard" data-scorecard="${name}">
      <h3>${escape(label)}</h3>
      <p class="kpi-figure"><span class="kpi-value" data-kpi="${name}">…</span></p>
      <p class="delta" data-delta="${name}"></p>
      <p class="kpi-note" data-previous="${name}"></p>
    </article>`;
}

function panel(chart: string, title: string, options: { wide?: boolean; tall?: boolean } = {}): string {
  const classes = ['panel', options.wide ? 'wide' : '', options.tall ? 'tall' : ''].filter(Boolean).join(' ');
  return `<article class="${classes}">
      <header><h2>${escape(title)}</h2><p class="panel-note" data-chart-note="${chart}"></p></header>
      <div class="chart" data-chart="${chart}" role="img" aria-label="${escape(title)}"></div>
    </article>`;
}

export const PAGES: PageSpec[] = [
  {
    id: 'overview',
    file: 'index.html',
    title: 'Overview',
    scripts: [],
    body: `<section class="kpis kpis-6" aria-label="Key figures">
    ${kpi('total_orders', 'Total orders')}
    ${kpi('total_customers', 'Total customers')}
    ${kpi('aov', 'Average order value')}
    ${kpi('avg_processing_days', 'Avg processing time', 'days')}
    ${kpi('total_sales', 'Total sales')}
    ${kpi('total_discounts', 'Total discounts')}
  </section>
  <section class="grid">
    ${panel('sales-aov', 'Sales and average order value over time', { wide: true })}
    ${panel('customers-orders', 'New customers and orders over time', { wide: true })}
  </section>`,
  },
  {
    id: 'geographic',
    file: 'geographic.html',
    title: 'Geographic',
    scripts: ['world.js'],
    body: `<section class="grid">
    ${panel('sales-map', 'Sales by country', { wide: true, tall: true })}
    ${panel('sales-provinces', 'Sales by province / region (top 15)')}
    ${panel('customers-countries', 'Customers per country')}
    <article class="panel wide">
      <header><h2>Regional breakdown</h2><p class="panel-note" data-table-note="regions"></p></header>
      <div class="table-wrap"><table class="data-table" data-table="regions">
        <thead><tr><th>Country</th><th>Code</th><th class="num">Orders</th><th class="num">Sales</th>
          <th class="num">Share of sales</th><th class="num">AOV</th><th class="num">Customers</th><th>Top regions</th></tr></thead>
        <tbody></tbody>
      </table></div>
    </article>
  </section>`,
  },
  {
    id: 'orders-customers',
    file: 'orders-customers.html',
    title: 'Orders & Customers',
    scripts: [],
    body: `<section class="kpis kpis-6" aria-label="Customer figures">
    ${kpi('customers_with_orders', 'Ordering customers')}
    ${kpi('repeat_customer_rate', 'Repeat customer rate', '%')}
    ${kpi('new_customers', 'New customers')}
    ${kpi('clv_mean', 'CLV, mean')}
    ${kpi('clv_median', 'CLV, median')}
    ${kpi('clv_p90', 'CLV, 90th pct')}
  </section>
  <section class="grid">
    ${panel('order-timeline', 'Order timeline by financial status', { wide: true })}
    ${panel('financial-status', 'Orders by financial status')}
    ${panel('fulfillment-status', 'Orders by fulfillment status')}
    ${panel('customer-segments', 'Customer segmentation: new vs repeat')}
    ${panel('order-buckets', 'Customers by number of orders')}
    ${panel('clv-histogram', 'Customer lifetime value distribution', { wide: true })}
    ${panel('repeat-purchases', 'Repeat purchase analysis: first, repeat and guest orders', { wide: true })}
    ${panel('second-order', 'Time from first to second order', { wide: true })}
  </section>`,
  },
  {
    id: 'coherent-analysis',
    file: 'coherent-analysis.html',
    title: 'Coherent Analysis',
    scripts: [],
    body: `<p class="comparison" data-comparison></p>
  <section class="kpis kpis-4" aria-label="Scorecards against the previous period">
    ${scorecard('total_sales', 'Total sales')}
    ${scorecard('net_sales', 'Net sales')}
    ${scorecard('total_orders', 'Orders')}
    ${scorecard('aov', 'Average order value')}
    ${scorecard('customers_with_orders', 'Ordering customers')}
    ${scorecard('repeat_customer_rate', 'Repeat customer rate (%)')}
    ${scorecard('avg_processing_days', 'Avg processing time (days)')}
    ${scorecard('total_discounts', 'Total discounts')}
  </section>
  <section class="grid">
    ${panel('aov-orders', 'Average order value vs number of orders')}
    ${panel('discounts-sales', 'Discounts vs sales')}
    ${panel('cumulative-sales', 'Cumulative sales vs previous period')}
    ${panel('trend-index', 'Trend comparison (index)')}
  </section>`,
  },
];

export function pageHtml(page: PageSpec): string {
  const tabs = PAGES.map(
    (p) =>
      `<a href="${p.file}" data-page-link="${p.id}"${p.id === page.id ? ' class="active" aria-current="page"' : ''}>${escape(p.title)}</a>`,
  ).join('\n      ');
  const scripts = ['echarts.min.js', ...page.scripts, 'data.js', 'metrics.js', 'dashboard.js']
    .map((src) => `<script src="${src}"></script>`)
    .join('\n  ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(page.title)} · Shopify analytics</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="dashboard.css">
</head>
<body data-page="${page.id}">
  <header class="topbar">
    <div class="brand">
      <div class="logo" aria-hidden="true"></div>
      <div>
        <h1>Shopify analytics <span class="page-name">· ${escape(page.title)}</span></h1>
        <p class="data-note" data-data-note></p>
      </div>
    </div>
    <nav class="tabs" aria-label="Pages">
      ${tabs}
    </nav>
  </header>
  <section class="filters" aria-label="Date range">
    <div class="presets" role="group" aria-label="Presets">
      <button type="button" data-preset="all">All time</button>
      <button type="button" data-preset="30d">Last 30 days</button>
      <button type="button" data-preset="90d">Last 90 days</button>
      <button type="button" data-preset="365d">Last 365 days</button>
    </div>
    <label>From <input type="date" data-range="from"></label>
    <label>To <input type="date" data-range="to"></label>
    <label>Period <select data-granularity>
      <option value="auto">Auto</option><option value="day">Day</option><option value="week">Week</option><option value="month">Month</option>
    </select></label>
    <p class="range-label" data-range-label></p>
  </section>
  <main>
  ${page.body}
  </main>
  <footer class="footer" data-footer></footer>
  ${scripts}
</body>
</html>
`;
}
