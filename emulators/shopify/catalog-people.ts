/** Names and free text for customers and orders, including the awkward ones real shops have. */

export const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mateo',
  'Sophia',
  'Lucas',
  'Mia',
  'Ethan',
  'Chloé',
  'José',
  'Zoë',
  'Łukasz',
  'Björn',
  'Aoife',
  'Siobhán',
  'Priya',
  'Arjun',
  'Wei',
  'Yuki',
  'Hana',
  'Fatima',
  'Omar',
  'Ngozi',
  'João',
  'María José',
  'François',
  'Anne-Marie',
  "D'Arcy",
  'Renée',
  'Søren',
  'Ines',
  'Kai',
  'Leilani',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'García',
  'Martínez',
  'Müller',
  'Schmidt',
  'Dubois',
  'Rossi',
  "O'Brien",
  'MacDonald',
  'van der Berg',
  'Nguyễn',
  'Kowalski',
  'Patel',
  'Singh',
  'Kim',
  'Tanaka',
  'Sato',
  'Silva',
  'Santos',
  'Hernández',
  'López',
  'Andersson',
  'Ó Súilleabháin',
  'Smith-Jones',
  'de la Cruz',
  'Ng',
] as const;

export const COMPANIES = ['Acme Corp', 'Globex, Inc.', 'Initech', 'Umbrella GmbH', 'Müller & Söhne', '"Blue Sky" LLC'];

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com'];

export const CUSTOMER_TAGS = ['vip', 'wholesale', 'newsletter', 'returning', 'influencer', 'b2b', 'loyalty-gold'];

export const CUSTOMER_NOTES = [
  'Prefers email contact',
  'Allergic to wool, see previous returns',
  'Wholesale account, net 30',
  'Asked about bulk pricing, follow up in Q3',
  'Called twice about order #1042',
] as const;

export const ORDER_NOTES = [
  'Please leave at the front door',
  'Gift for my sister',
  'Deliver after 5pm',
  'No invoice in the box please',
  'Ring bell twice',
] as const;

export const ORDER_TAGS = ['wholesale', 'gift', 'priority', 'preorder', 'fraud-check', 'subscription', 'influencer'];

export const CANCEL_REASONS = ['customer', 'fraud', 'inventory', 'declined', 'other'] as const;

export const TRACKING_COMPANIES = [
  ['UPS', 'https://www.ups.com/track?tracknum='],
  ['USPS', 'https://tools.usps.com/go/TrackConfirmAction?tLabels='],
  ['FedEx', 'https://www.fedex.com/fedextrack/?trknbr='],
  ['DHL Express', 'https://www.dhl.com/en/express/tracking.html?AWB='],
  ['Canada Post', 'https://www.canadapost-postescanada.ca/track-reperage/en#/details/'],
  ['Royal Mail', 'https://www.royalmail.com/track-your-item#/tracking-results/'],
] as const;

export const DISCOUNTS = [
  { code: 'WELCOME10', type: 'percentage', value: 10 },
  { code: 'SUMMER15', type: 'percentage', value: 15 },
  { code: 'VIP20', type: 'percentage', value: 20 },
  { code: 'SAVE5', type: 'fixed_amount', value: 500 },
  { code: 'TAKE10OFF', type: 'fixed_amount', value: 1000 },
  { code: 'BFCM-2025', type: 'percentage', value: 25 },
] as const;

export const REFUND_NOTES = [null, 'Customer returned item', 'Damaged in transit', 'Wrong size', null] as const;

export const SOURCE_NAMES = [
  ['web', 78],
  ['pos', 6],
  ['shopify_draft_order', 5],
  ['iphone', 4],
  ['580111', 7],
] as const;

export const GATEWAYS = [
  ['shopify_payments', 80],
  ['paypal', 15],
  ['manual', 5],
] as const;
