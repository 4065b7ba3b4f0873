/**
 * The shop's GraphQL schema (docs/API.md, "GraphQL"). `npm run contracts:graphql` prints the schema the shop serves
 * into contracts/graphql/schema.graphql, which the suite reads.
 *
 * Enum values are the REST API's own (`pending_payment`, `price_asc`), so an answer reads the same through either.
 * Root fields are nullable: a field that fails (no token, not found) is null with its error, and the others keep
 * their data.
 */
export const SCHEMA = /* GraphQL */ `
  type Query {
    "A page of the catalog: the arguments and their rules are GET /api/products' query parameters."
    products(
      "A category slug; an unknown one matches nothing"
      category: String
      "A case-insensitive substring of the name or the description, at most 200 characters"
      q: String
      "Inclusive, at least 0"
      minPrice: Float
      "Inclusive, at least minPrice"
      maxPrice: Float
      "newest unless given"
      sort: ProductSort
      "At least 1 (default 1); a page past the last has no items"
      page: Int
      "1 to 100 (default 20)"
      pageSize: Int
    ): ProductPage
    "A product; null with PRODUCT_NOT_FOUND when it is unknown, deleted or not a UUID."
    product(id: ID!): Product
    "Every category, by name."
    categories: [Category!]
    "The caller (a bearer token is required)."
    me: User
    "The caller's cart (empty when new)."
    cart: Cart
    "The caller's orders, newest first; an admin gets every order, filtered by status and userId when given."
    orders(status: OrderStatus, userId: ID): [Order!]
    "An order of the caller (any order for an admin); anyone else's is null with ORDER_NOT_FOUND."
    order(id: ID!): Order
    "An order's statuses as the order-tracking projection applied them, oldest first (it follows the order a moment later)."
    orderHistory(orderId: ID!): [OrderHistoryEntry!]
  }

  "Every mutation acts for the caller (a bearer token is required) through the same code as its REST route."
  type Mutation {
    "Adds to the quantity already in the cart (at most 99 of a product): POST /api/cart/items."
    addCartItem(productId: ID!, quantity: Int!): Cart
    "Sets an item's quantity: PATCH /api/cart/items/:productId."
    updateCartItem(productId: ID!, quantity: Int!): Cart
    "Takes an item out: DELETE /api/cart/items/:productId."
    removeCartItem(productId: ID!): Cart
    "Applies a discount code (case-insensitive); one that does not apply leaves the cart unchanged: PUT /api/cart/discount."
    applyDiscount(code: String!): Cart
    "Removes the discount code: DELETE /api/cart/discount."
    removeDiscount: Cart
    "Sets the shipping address: PUT /api/cart/shipping-address."
    setShippingAddress(address: ShippingAddressInput!): Cart
    """
    Places the order of the cart and pays it: POST /api/orders. The same idempotencyKey again answers the order it
    placed (created: false), charged once.
    """
    placeOrder(paymentMethod: String!, idempotencyKey: String): OrderPlacement
    """
    Changes a product (admins only): PATCH /api/products/:id with If-Match. expectedVersion is the version read; if
    the product moved on since, the change is refused with PRECONDITION_FAILED and nothing of it is kept.
    """
    updateProduct(id: ID!, expectedVersion: Int!, changes: ProductChangesInput!): Product
  }

  enum ProductSort {
    newest
    price_asc
    price_desc
  }

  enum OrderStatus {
    paying
    pending_payment
    paid
    refunding
    shipped
    delivered
    cancelled
    archived
  }

  enum Role {
    customer
    admin
  }

  enum Country {
    US
    CA
    GB
    DE
    FR
    NL
  }

  enum CancelReason {
    customer_request
    admin_request
    payment_failed
  }

  type ProductPage {
    items: [Product!]!
    meta: PageMeta!
  }

  type PageMeta {
    page: Int!
    pageSize: Int!
    totalItems: Int!
    "0 when nothing matches"
    totalPages: Int!
  }

  type Product {
    id: ID!
    sku: String!
    name: String!
    description: String!
    "US dollars, at most two decimals"
    price: Float!
    currency: String!
    stock: Int!
    category: Category!
    "ISO 8601, UTC"
    createdAt: String!
    updatedAt: String!
    "Bumped by every change of the product: what updateProduct's expectedVersion names (REST: the ETag)"
    version: Int!
  }

  type Category {
    id: ID!
    slug: String!
    name: String!
    "A page of this category's products, with the listing's other arguments and rules."
    products(q: String, minPrice: Float, maxPrice: Float, sort: ProductSort, page: Int, pageSize: Int): ProductPage
  }

  type User {
    id: ID!
    email: String!
    name: String!
    role: Role!
    createdAt: String!
    updatedAt: String!
  }

  "A line of a cart or an order."
  type LineItem {
    productId: ID!
    "The product's name (in an order: when it was placed)"
    name: String!
    unitPrice: Float!
    quantity: Int!
    lineTotal: Float!
    "The product as it is now; null once it was deleted"
    product: Product
  }

  type Cart {
    "In the order they were first added"
    items: [LineItem!]!
    subtotal: Float!
    "null without a code, or while the code does not apply"
    discount: CartDiscount
    "null until an address is set"
    shipping: CartShipping
    "subtotal - discount.amount + shipping.cost"
    total: Float!
    currency: String!
  }

  type CartDiscount {
    code: String!
    amount: Float!
  }

  type CartShipping {
    address: ShippingAddress!
    cost: Float!
  }

  "An address as the shop stores it: trimmed, country and postal code upper-cased."
  type ShippingAddress {
    name: String!
    line1: String!
    line2: String
    city: String!
    postalCode: String!
    country: Country!
  }

  "The fields of PATCH /api/products/:id, with its rules; at least one."
  input ProductChangesInput {
    name: String
    description: String
    price: Float
    stock: Int
    categorySlug: String
    sku: String
  }

  "The rules of PUT /api/cart/shipping-address: 1-100 characters each, a postal code for the country."
  input ShippingAddressInput {
    name: String!
    line1: String!
    "null or empty is none"
    line2: String
    city: String!
    postalCode: String!
    "One of US, CA, GB, DE, FR, NL, in any case"
    country: String!
  }

  type Order {
    id: ID!
    "null once the customer was deleted (the order is archived)"
    userId: ID
    status: OrderStatus!
    items: [LineItem!]!
    subtotal: Float!
    discountTotal: Float!
    discountCode: String
    shippingCost: Float!
    "subtotal - discountTotal + shippingCost"
    total: Float!
    currency: String!
    shippingAddress: ShippingAddress!
    "null while the provider is being called"
    payment: Payment
    carrier: String
    trackingNumber: String
    createdAt: String!
    paidAt: String
    shippedAt: String
    deliveredAt: String
    cancelledAt: String
    cancelReason: CancelReason
    refundedAt: String
  }

  type Payment {
    "The provider's PaymentIntent id"
    intentId: String!
    "succeeded or processing at placement, then succeeded, failed or refunded"
    status: String!
  }

  type OrderHistoryEntry {
    status: OrderStatus!
    eventId: ID!
    occurredAt: String!
  }

  type OrderPlacement {
    order: Order!
    "false when an earlier call with this idempotencyKey placed it (REST answers 200 instead of 201)"
    created: Boolean!
  }
`;
