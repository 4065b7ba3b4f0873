export { ShopPage, formatPrice } from './shop-page';
export { CatalogPage, type CatalogFilters, type SortLabel } from './catalog-page';
export { ProductPage } from './product-page';
export { RegisterPage } from './register-page';
export { LoginPage } from './login-page';
export { AccountPage } from './account-page';
