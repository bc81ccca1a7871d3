import { buildSchema, type GraphQLSchema } from 'graphql';
import { COUNTRIES } from '../catalog-geo';

/**
 * The part of Shopify's GraphQL Admin schema the project reads, with Shopify's type, field, argument and enum
 * names. What is not here does not exist for the emulator: a query asking for it fails validation, as a query
 * with a typo would on Shopify. Deprecated fields the project may still read (Order.email, Customer.email) are kept.
 *
 * Events: the `Event` interface and `BasicEvent` (with `subjectId`/`subjectType`), for destroy events (events.ts).
 */
const CURRENCIES = [...new Set(['USD', ...COUNTRIES.map((c) => c.currency)])].sort();

export const SDL = /* GraphQL */ `
scalar DateTime
scalar Decimal
scalar Money
scalar URL
scalar UnsignedInt64
scalar HTML
scalar JSON
scalar FormattedString

enum CurrencyCode { ${CURRENCIES.join(' ')} }
enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum ProductVariantInventoryPolicy { CONTINUE DENY }
enum CustomerState { DECLINED DISABLED ENABLED INVITED }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus {
  FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED
  UNFULFILLED
}
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
enum FulfillmentStatus { CANCELLED ERROR FAILURE SUCCESS OPEN PENDING }
enum FulfillmentDisplayStatus { ATTEMPTED_DELIVERY CANCELED CONFIRMED DELIVERED FAILURE FULFILLED IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED OUT_FOR_DELIVERY READY_FOR_PICKUP SUBMITTED }
enum CountPrecision { AT_LEAST EXACT }
enum ProductSortKeys { CREATED_AT ID TITLE UPDATED_AT }
enum CustomerSortKeys { CREATED_AT ID NAME UPDATED_AT }
enum OrderSortKeys { CREATED_AT ID PROCESSED_AT UPDATED_AT }
enum WeightUnit { GRAMS KILOGRAMS OUNCES POUNDS }
enum OrderTransactionKind { AUTHORIZATION CAPTURE CHANGE EMV_AUTHORIZATION REFUND SALE SUGGESTED_REFUND VOID }
enum OrderTransactionStatus { AWAITING_RESPONSE ERROR FAILURE PENDING SUCCESS UNKNOWN }
enum DiscountApplicationAllocationMethod { ACROSS EACH ONE }
enum DiscountApplicationTargetType { LINE_ITEM SHIPPING_LINE }
enum DiscountApplicationTargetSelection { ALL ENTITLED EXPLICIT }
enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }

interface Node { id: ID! }

enum EventSortKeys { CREATED_AT ID RELEVANCE }
enum EventSubjectType {
  ARTICLE BLOG COLLECTION COMMENT COMPANY COMPANY_LOCATION CUSTOMER DISCOUNT_AUTOMATIC_BXGY DISCOUNT_AUTOMATIC_NODE
  DISCOUNT_CODE_NODE DISCOUNT_NODE DRAFT_ORDER INVENTORY_TRANSFER ORDER PAGE PRICE_RULE PRODUCT PRODUCT_VARIANT UNKNOWN
}
interface Event {
  id: ID!
  action: String!
  appTitle: String
  attributeToApp: Boolean!
  attributeToUser: Boolean!
  createdAt: DateTime!
  criticalAlert: Boolean!
  message: FormattedString!
}
type BasicEvent implements Event & Node {
  id: ID!
  action: String!
  appTitle: String
  attributeToApp: Boolean!
  attributeToUser: Boolean!
  createdAt: DateTime!
  criticalAlert: Boolean!
  message: FormattedString!
  subjectId: ID!
  subjectType: EventSubjectType!
}
type EventEdge { cursor: String! node: Event! }
type EventConnection { edges: [EventEdge!]! nodes: [Event!]! pageInfo: PageInfo! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type Count { count: Int! precision: CountPrecision! }
type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Weight { unit: WeightUnit! value: Float! }
type InventoryItemMeasurement { weight: Weight }
type Attribute { key: String! value: String }
type SelectedOption { name: String! value: String! }

type MailingAddress implements Node {
  id: ID!
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: String
  firstName: String
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
  latitude: Float
  longitude: Float
}

type Shop implements Node {
  id: ID!
  name: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  timezoneOffset: String!
  primaryDomain: Domain!
}

type Domain implements Node { id: ID! host: String! }

type AccessScope { handle: String! description: String! }
type AppInstallation implements Node { id: ID! accessScopes: [AccessScope!]! }

type ProductOption implements Node { id: ID! name: String! position: Int! values: [String!]! }

type Product implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  descriptionHtml: HTML!
  vendor: String!
  productType: String!
  status: ProductStatus!
  tags: [String!]!
  handle: String!
  templateSuffix: String
  createdAt: DateTime!
  updatedAt: DateTime!
  publishedAt: DateTime
  totalInventory: Int!
  variantsCount: Count
  options(first: Int): [ProductOption!]!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ProductVariantConnection!
}

type InventoryItem implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  sku: String
  tracked: Boolean!
  requiresShipping: Boolean!
  unitCost: MoneyV2
  measurement: InventoryItemMeasurement!
}

type ProductVariant implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  displayName: String!
  price: Money!
  compareAtPrice: Money
  sku: String
  barcode: String
  position: Int!
  inventoryQuantity: Int
  inventoryPolicy: ProductVariantInventoryPolicy!
  taxable: Boolean!
  selectedOptions: [SelectedOption!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  inventoryItem: InventoryItem!
  product: Product!
}

type Customer implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  email: String
  phone: String
  defaultEmailAddress: CustomerEmailAddress
  defaultPhoneNumber: CustomerPhoneNumber
  state: CustomerState!
  verifiedEmail: Boolean!
  taxExempt: Boolean!
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
  tags: [String!]!
  note: String
  locale: String!
  defaultAddress: MailingAddress
  addresses(first: Int): [MailingAddress!]!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type CustomerEmailAddress { emailAddress: String! marketingState: String! }
type CustomerPhoneNumber { phoneNumber: String! marketingState: String! }

type TaxLine { title: String! rate: Float ratePercentage: Float priceSet: MoneyBag! }
type ShippingLine { id: ID title: String! code: String source: String originalPriceSet: MoneyBag! discountedPriceSet: MoneyBag! }

interface DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
}
type DiscountCodeApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
  code: String!
}
type PricingPercentageValue { percentage: Float! }
union PricingValue = MoneyV2 | PricingPercentageValue
type DiscountAllocation { allocatedAmountSet: MoneyBag! }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  variantTitle: String
  sku: String
  vendor: String
  quantity: Int!
  currentQuantity: Int!
  unfulfilledQuantity: Int!
  fulfillmentStatus: String!
  requiresShipping: Boolean!
  taxable: Boolean!
  isGiftCard: Boolean!
  originalUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  discountAllocations: [DiscountAllocation!]!
  customAttributes: [Attribute!]!
  product: Product
  variant: ProductVariant
}

type FulfillmentTrackingInfo { company: String number: String url: URL }
type Fulfillment implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  status: FulfillmentStatus!
  displayStatus: FulfillmentDisplayStatus
  createdAt: DateTime!
  updatedAt: DateTime!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
}

type OrderTransaction implements Node {
  id: ID!
  kind: OrderTransactionKind!
  status: OrderTransactionStatus!
  gateway: String
  amountSet: MoneyBag!
  createdAt: DateTime!
  processedAt: DateTime
}
type Refund implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  note: String
  createdAt: DateTime
  updatedAt: DateTime!
  totalRefundedSet: MoneyBag!
  transactions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): OrderTransactionConnection!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  number: Int!
  confirmationNumber: String
  email: String
  phone: String
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  totalPriceSet: MoneyBag!
  subtotalPriceSet: MoneyBag
  totalTaxSet: MoneyBag
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalRefundedSet: MoneyBag!
  totalOutstandingSet: MoneyBag!
  totalWeight: UnsignedInt64
  taxesIncluded: Boolean!
  taxLines: [TaxLine!]!
  shippingLine: ShippingLine
  discountCode: String
  discountCodes: [String!]!
  discountApplications(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): DiscountApplicationConnection!
  paymentGatewayNames: [String!]!
  sourceName: String
  tags: [String!]!
  note: String
  customAttributes: [Attribute!]!
  customerLocale: String
  test: Boolean!
  closed: Boolean!
  cancelReason: OrderCancelReason
  cancelledAt: DateTime
  closedAt: DateTime
  processedAt: DateTime!
  createdAt: DateTime!
  updatedAt: DateTime!
  customer: Customer
  billingAddress: MailingAddress
  shippingAddress: MailingAddress
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
  fulfillments(first: Int): [Fulfillment!]!
  refunds(first: Int): [Refund!]!
}

type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }
type OrderTransactionEdge { cursor: String! node: OrderTransaction! }
type OrderTransactionConnection { edges: [OrderTransactionEdge!]! nodes: [OrderTransaction!]! pageInfo: PageInfo! }
type DiscountApplicationEdge { cursor: String! node: DiscountApplication! }
type DiscountApplicationConnection { edges: [DiscountApplicationEdge!]! nodes: [DiscountApplication!]! pageInfo: PageInfo! }

type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
  type: BulkOperationType!
}
type BulkOperationEdge { cursor: String! node: BulkOperation! }
type BulkOperationConnection { edges: [BulkOperationEdge!]! nodes: [BulkOperation!]! pageInfo: PageInfo! }
enum BulkOperationsSortKeys { COMPLETED_AT CREATED_AT ID STATUS }
type BulkOperationUserError { code: BulkOperationUserErrorCode field: [String!] message: String! }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }

type QueryRoot {
  shop: Shop!
  currentAppInstallation: AppInstallation!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: ProductSortKeys = ID, query: String): ProductConnection!
  productsCount(query: String, limit: Int = 10000): Count
  customer(id: ID!): Customer
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: CustomerSortKeys = ID, query: String): CustomerConnection!
  customersCount(query: String, limit: Int = 10000): Count
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = PROCESSED_AT, query: String): OrderConnection!
  ordersCount(query: String, limit: Int = 10000): Count
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  bulkOperation(id: ID!): BulkOperation
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  events(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: EventSortKeys = ID, query: String): EventConnection!
  bulkOperations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: BulkOperationsSortKeys = CREATED_AT, query: String): BulkOperationConnection!
}

type Mutation {
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
}

schema { query: QueryRoot mutation: Mutation }
`;

let built: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  built ??= buildSchema(SDL);
  return built;
}

/** Connection types follow Relay's naming, which the cost and bulk rules rely on. */
export function isConnectionTypeName(name: string): boolean {
  return name.endsWith('Connection');
}
