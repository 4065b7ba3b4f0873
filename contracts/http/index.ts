/**
 * The shop's HTTP contract: TypeBox schemas (plain JSON Schema 2020-12) of every body the shop takes and answers,
 * with their static types. The shop's routes declare them, validate requests against them and publish them as the
 * OpenAPI document (`GET /openapi.json`, kept in contracts/openapi.json); the suite reads the same.
 */
import { AuditAction, AuditEntry, AuditLogPage } from './audit';
import { Cart, CartDiscount, CartItemChange, Country, LineItem, NewCartItem, NewShippingAddress, ShippingAddress } from './cart';
import { Category, CategoryList, NewCategory } from './categories';
import { DependencyState, Health } from './common';
import { DiscountCode, NewDiscountCode } from './discounts';
import { ErrorCode, ErrorDetail, ErrorEnvelope } from './errors';
import { NewOrder, Order, OrderHistory, OrderHistoryEntry, OrderList, OrderStatus, Shipment } from './orders';
import { NewProduct, Product, ProductChanges, ProductPage } from './products';
import { NewReview, Review, ReviewList } from './reviews';
import { Credentials, NewUser, RefreshRequest, Role, TokenPair, User, UserChanges } from './users';
import { PaymentEvent, WebhookReceipt } from './webhooks';

export * from './audit';
export * from './cart';
export * from './categories';
export * from './common';
export * from './discounts';
export * from './errors';
export * from './orders';
export * from './products';
export * from './reviews';
export * from './users';
export * from './webhooks';

/**
 * The named schemas of bodies (each with an `$id`): the OpenAPI document's components, and what `$ref`s point at.
 * The query schemas have ids too, but are the routes' parameters, not components.
 */
export const NAMED_SCHEMAS = [
  DependencyState,
  Health,
  ErrorCode,
  ErrorDetail,
  ErrorEnvelope,
  Role,
  User,
  NewUser,
  UserChanges,
  Credentials,
  RefreshRequest,
  TokenPair,
  Category,
  CategoryList,
  NewCategory,
  Product,
  ProductPage,
  NewProduct,
  ProductChanges,
  Review,
  ReviewList,
  NewReview,
  DiscountCode,
  NewDiscountCode,
  Country,
  LineItem,
  ShippingAddress,
  NewShippingAddress,
  Cart,
  NewCartItem,
  CartItemChange,
  CartDiscount,
  OrderStatus,
  Order,
  OrderList,
  OrderHistoryEntry,
  OrderHistory,
  NewOrder,
  Shipment,
  PaymentEvent,
  WebhookReceipt,
  AuditAction,
  AuditEntry,
  AuditLogPage,
];
