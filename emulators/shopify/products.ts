import { ADJECTIVES, DESCRIPTIONS, FAMILIES, type ProductFamily } from './catalog-products';
import type { GenContext } from './context';
import type { Meta, ResourceGenerator } from './generator';
import { money } from './money';
import { PRODUCT_QUIRKS } from './quirks';
import { Rng, rngFor, Tag } from './prng';
import { BoundedCache, addTag, breakLine, escapeHtml, handleize, joinTags } from './text';
import { ANCHOR_MS, MAX_UPDATE_DELAY_MS, floorToSecond } from './time';

export type Variant = {
  id: number;
  product_id: number;
  title: string;
  price: string;
  position: number;
  inventory_policy: 'deny' | 'continue';
  compare_at_price: string | null;
  option1: string | null;
  option2: string | null;
  option3: string | null;
  created_at: string;
  updated_at: string;
  taxable: boolean;
  barcode: string | null;
  fulfillment_service: string;
  grams: number;
  inventory_management: string | null;
  requires_shipping: boolean;
  sku: string;
  weight: number;
  weight_unit: 'kg' | 'lb';
  inventory_item_id: number;
  inventory_quantity: number;
  old_inventory_quantity: number;
  admin_graphql_api_id: string;
  image_id: null;
};

export type Product = {
  id: number;
  title: string;
  body_html: string | null;
  vendor: string;
  product_type: string;
  created_at: string;
  handle: string;
  updated_at: string;
  published_at: string | null;
  template_suffix: string | null;
  published_scope: 'web' | 'global';
  tags: string;
  status: 'active' | 'draft' | 'archived';
  admin_graphql_api_id: string;
  variants: Variant[];
  options: { id: number; product_id: number; name: string; position: number; values: string[] }[];
  images: never[];
  image: null;
};

const TYPE_CODES: Record<string, string> = {
  'T-Shirts': 'TSH',
  Mugs: 'MUG',
  Bags: 'BAG',
  Tea: 'TEA',
  Candles: 'CDL',
  Posters: 'PST',
  'Gift Cards': 'GFT',
  Digital: 'DIG',
};

export class ProductGenerator implements ResourceGenerator<Product> {
  readonly timeline;
  readonly ids;
  private readonly cache = new BoundedCache<number, Product>(4096);

  constructor(
    private readonly ctx: GenContext,
    readonly baseCount: number,
  ) {
    this.timeline = ctx.timelines.products;
    this.ids = ctx.ids.products;
  }

  meta(i: number): Meta {
    const createdMs = this.timeline.createdMs(i);
    const budget = Math.min(MAX_UPDATE_DELAY_MS, Math.max(0, ANCHOR_MS - createdMs));
    const u = rngFor(this.ctx.seed, Tag.products, Tag.meta, i).next();
    return { createdMs, updatedMs: floorToSecond(createdMs + budget * u), closedMs: null, cancelledMs: null };
  }

  freshMeta(_i: number, nowMs: number): Meta {
    return { createdMs: nowMs, updatedMs: nowMs, closedMs: null, cancelledMs: null };
  }

  /** The unchanged generated product, memoised because orders embed its variants. */
  base(i: number): Product {
    return this.cache.get(i, () => this.build(i, this.meta(i)));
  }

  build(i: number, meta: Meta): Product {
    const { ctx } = this;
    const q = PRODUCT_QUIRKS[i] ?? {};
    const rng = rngFor(ctx.seed, Tag.products, Tag.body, i);
    const id = this.ids.at(i);
    const family = (q.family && FAMILIES.find((f) => f.type === q.family)) || rng.pick(FAMILIES);
    const drawnTitle = q.title ?? `${rng.pick(ADJECTIVES)} ${rng.pick(family.nouns)}`;
    const br = q.lineBreak;
    const title = br ? breakLine(drawnTitle, br, 'Edition') : drawnTitle;
    const status =
      q.status ??
      rng.weighted<Product['status']>([
        ['active', 84],
        ['draft', 10],
        ['archived', 6],
      ]);
    const createdAt = ctx.ts(meta.createdMs);
    const updatedAt = ctx.ts(meta.updatedMs);
    const { options, combos } = this.pickOptions(rng, family, id, i);
    const basePrice = family.priceCents[0] === family.priceCents[1] ? family.priceCents[0] : roundPrice(rng, family);
    const weightUnit = rng.chance(0.6) ? 'kg' : 'lb';
    const policy = rng.chance(0.9) ? 'deny' : 'continue';
    const tracked = family.requiresShipping && rng.chance(0.88);
    const variants = combos.map((combo, k): Variant => {
      const denomination = combo[0]?.startsWith('$') ? Number(combo[0].slice(1)) * 100 : undefined;
      const price = denomination ?? basePrice + (family.options[0]?.[0] === 'Size' ? k * 300 : 0);
      const grams = rng.int(family.grams[0], family.grams[1]);
      const quantity = q.negativeInventory && k === 0 ? -3 : tracked ? rng.int(policy === 'continue' ? -5 : 0, 140) : 0;
      const variantId = ctx.ids.variants.at(i, k);
      const variantTitle = combo.length ? combo.join(' / ') : 'Default Title';
      return {
        id: variantId,
        product_id: id,
        title: br && k === 0 ? breakLine(variantTitle, br, 'Edition') : variantTitle,
        price: money(price),
        position: k + 1,
        inventory_policy: policy,
        compare_at_price: rng.chance(0.2) ? money(Math.round((price * (1.2 + rng.next() * 0.3)) / 100) * 100) : null,
        option1: combo[0] ?? 'Default Title',
        option2: combo[1] ?? null,
        option3: combo[2] ?? null,
        created_at: createdAt,
        updated_at: updatedAt,
        taxable: family.type !== 'Gift Cards',
        barcode: rng.weighted<string | null>([
          [null, 50],
          [rng.digits(12), 35],
          ['', 15],
        ]),
        fulfillment_service: 'manual',
        grams,
        inventory_management: tracked ? 'shopify' : null,
        requires_shipping: family.requiresShipping,
        sku: rng.chance(0.05) ? '' : `${TYPE_CODES[family.type] ?? 'GEN'}-${String(i + 1).padStart(4, '0')}-${k + 1}`,
        weight: weightUnit === 'kg' ? grams / 1000 : Math.round((grams / 453.59237) * 100) / 100,
        weight_unit: weightUnit,
        inventory_item_id: ctx.ids.inventoryItems.at(i, k),
        inventory_quantity: quantity,
        old_inventory_quantity: quantity,
        admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
        image_id: null,
      };
    });
    const description = rng.pick(DESCRIPTIONS);
    const bodyHtml =
      q.bodyHtml === null
        ? null
        : `<p>${escapeHtml(description)}</p>` +
          (rng.chance(0.5) ? `\n<ul>\n<li>${escapeHtml(family.type)}</li>\n<li>Care: "hand wash"</li>\n</ul>` : '');
    const vendor = q.vendor ?? rng.pick(family.vendors);
    const templateSuffix = rng.weighted<string | null>([
      [null, 85],
      ['', 10],
      ['alternate', 5],
    ]);
    const publishedScope = rng.chance(0.8) ? 'global' : 'web';
    const tags = joinTags(family.tags.filter(() => rng.chance(0.45)));
    return {
      id,
      title,
      body_html: br ? `<p>Stonewashed linen</p>${br}<p>Machine wash cold</p>` : bodyHtml,
      vendor: br ? `Atelier${br}Nord` : vendor,
      product_type: family.type,
      created_at: createdAt,
      handle: `${handleize(title)}-${i + 1}`,
      updated_at: updatedAt,
      published_at: status === 'active' ? createdAt : null,
      template_suffix: templateSuffix,
      published_scope: publishedScope,
      tags: br ? `new${br}arrival` : tags,
      status,
      admin_graphql_api_id: `gid://shopify/Product/${id}`,
      variants,
      options,
      images: [],
      image: null,
    };
  }

  private pickOptions(rng: Rng, family: ProductFamily, productId: number, i: number) {
    if (!family.options.length) {
      const option = { id: this.ctx.ids.options.at(i, 0), product_id: productId, name: 'Title', position: 1 };
      return { options: [{ ...option, values: ['Default Title'] }], combos: [[]] as string[][] };
    }
    let combos: string[][] = [[]];
    for (const [, values] of family.options) combos = combos.flatMap((c) => values.map((v) => [...c, v]));
    const wanted = rng.int(1, Math.min(5, combos.length));
    // Keep a random subset in catalogue order, as merchants add variants in option order.
    const chosen = combos
      .map((combo, k) => ({ combo, k, r: rng.next() }))
      .sort((a, b) => a.r - b.r)
      .slice(0, wanted)
      .sort((a, b) => a.k - b.k)
      .map((c) => c.combo);
    const options = family.options.map(([name], position) => ({
      id: this.ctx.ids.options.at(i, position),
      product_id: productId,
      name,
      position: position + 1,
      values: [...new Set(chosen.map((c) => c[position]))],
    }));
    return { options, combos: chosen };
  }

  mutate(record: Product, meta: Meta, nowMs: number, rng: Rng): { record: Product; meta: Meta } {
    const now = this.ctx.ts(nowMs);
    const variants = record.variants.map((v, k) => {
      if (k !== 0) return v;
      const quantity = v.inventory_quantity + rng.int(5, 60);
      return { ...v, inventory_quantity: quantity, old_inventory_quantity: v.inventory_quantity, updated_at: now };
    });
    return {
      record: {
        ...record,
        title: record.title.endsWith(' (Restocked)') ? record.title : `${record.title} (Restocked)`,
        tags: addTag(record.tags, 'restocked'),
        updated_at: now,
        variants,
      },
      meta: { ...meta, updatedMs: nowMs },
    };
  }
}

function roundPrice(rng: Rng, family: ProductFamily): number {
  const dollars = Math.floor(rng.int(family.priceCents[0], family.priceCents[1]) / 100);
  return dollars * 100 + rng.pick([0, 0, 50, 95, 99, 99, 99]);
}
