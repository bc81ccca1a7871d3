/** Product families used to build believable titles, variants and prices. */

export interface ProductFamily {
  type: string;
  nouns: readonly string[];
  vendors: readonly string[];
  /** Option name and its values; empty means a single "Default Title" variant. */
  options: readonly (readonly [string, readonly string[]])[];
  priceCents: readonly [number, number];
  grams: readonly [number, number];
  tags: readonly string[];
  requiresShipping: boolean;
}

export const ADJECTIVES = [
  'Classic',
  'Essential',
  'Vintage',
  'Organic',
  'Everyday',
  'Premium',
  'Recycled',
  'Handmade',
  'Minimal',
  'Heritage',
  'Lightweight',
  'Cozy',
  'Rugged',
  'Artisan',
  'Nordic',
] as const;

export const FAMILIES: readonly ProductFamily[] = [
  {
    type: 'T-Shirts',
    nouns: ['Cotton Tee', 'Pocket Tee', 'Graphic Tee', 'V-Neck', 'Long Sleeve Tee'],
    vendors: ['Northwind Apparel', 'Café Münster', 'Smith, Jones & Co.'],
    options: [
      ['Size', ['XS', 'S', 'M', 'L', 'XL']],
      ['Color', ['Black', 'White', 'Heather Grey', 'Navy']],
    ],
    priceCents: [1800, 4500],
    grams: [150, 260],
    tags: ['cotton', 'summer', 'unisex', 'bestseller'],
    requiresShipping: true,
  },
  {
    type: 'Mugs',
    nouns: ['Coffee Mug', 'Travel Mug', 'Espresso Cup', 'Tea Cup'],
    vendors: ['Stoneware Studio', 'Kiln & Co'],
    options: [['Size', ['8oz', '12oz', '16oz']]],
    priceCents: [1200, 3200],
    grams: [280, 450],
    tags: ['kitchen', 'gift', 'ceramic'],
    requiresShipping: true,
  },
  {
    type: 'Bags',
    nouns: ['Tote', 'Backpack', 'Weekender Bag', 'Crossbody Bag'],
    vendors: ['Rivet Goods', 'Smith, Jones & Co.'],
    options: [['Color', ['Olive', 'Sand', 'Black', 'Rust']]],
    priceCents: [3500, 14900],
    grams: [400, 1400],
    tags: ['canvas', 'travel', 'accessories'],
    requiresShipping: true,
  },
  {
    type: 'Tea',
    nouns: ['Green Tea', 'Earl Grey', 'Sencha', 'Chai Blend', 'Rooibos'],
    vendors: ['Leaf & Kettle', '茶の間 Tea Room'],
    options: [['Weight', ['50g', '100g', '250g']]],
    priceCents: [800, 3600],
    grams: [60, 280],
    tags: ['organic', 'loose-leaf', 'caffeine'],
    requiresShipping: true,
  },
  {
    type: 'Candles',
    nouns: ['Soy Candle', 'Beeswax Taper', 'Travel Tin Candle'],
    vendors: ['Wick & Wonder'],
    options: [['Scent', ['Cedar', 'Lavender', 'Fig', 'Sea Salt']]],
    priceCents: [1400, 4200],
    grams: [180, 520],
    tags: ['home', 'gift', 'vegan'],
    requiresShipping: true,
  },
  {
    type: 'Posters',
    nouns: ['Art Print', 'City Map Poster', 'Botanical Print'],
    vendors: ['Paper Atlas'],
    options: [
      ['Size', ['A4', 'A3', 'A2']],
      ['Frame', ['None', 'Oak', 'Black']],
    ],
    priceCents: [1500, 8900],
    grams: [50, 1800],
    tags: ['wall-art', 'decor'],
    requiresShipping: true,
  },
  {
    type: 'Gift Cards',
    nouns: ['Gift Card', 'E-Gift Card'],
    vendors: ['demo-store'],
    options: [['Denomination', ['$25', '$50', '$100']]],
    priceCents: [2500, 2500],
    grams: [0, 0],
    tags: ['gift'],
    requiresShipping: false,
  },
  {
    type: 'Digital',
    nouns: ['Sewing Pattern (PDF)', 'Recipe eBook', 'Phone Wallpaper Pack'],
    vendors: ['Paper Atlas'],
    options: [],
    priceCents: [500, 2000],
    grams: [0, 0],
    tags: ['digital', 'download'],
    requiresShipping: false,
  },
];

export const DESCRIPTIONS = [
  'Made to last, designed to be worn every day.',
  'Small-batch and responsibly sourced.',
  'Our bestseller — now in new colors!',
  'Pairs perfectly with a slow Sunday morning.',
  'Ships in recycled packaging & 100% plastic-free.',
] as const;

export const CUSTOM_ITEMS = ['Custom engraving', 'Gift wrapping', 'Rush production fee', 'Personalised note card'];

export const DISCONTINUED_ITEMS = ['Limited Edition Hoodie', 'Holiday Sampler 2024', 'Collab Sneaker (Retired)'];
