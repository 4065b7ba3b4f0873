import type { BrowserContext, Locator, Page } from '@playwright/test';
import { test, expect, orderMailSubject, signInWithToken, type Mail, type ShippingAddress } from '../../fixtures';
import { AdminOrdersPage } from '../../pages';

/**
 * XSS, checked in the browser's DOM: hostile values in every field a page or a mail renders. Each case asserts
 * (a) the value is there as text (or as an input's value), (b) none of it became markup: no script, no img/svg, no
 * `on*` handler, no autofocus, no `javascript:` URL, and (c) nothing ran: `window.__xss` (what every payload sets) is
 * unset and the page threw no error (an upper-cased payload would throw a ReferenceError, not set the marker).
 * The pages are loaded with `bypassCSP`: the shop's Content-Security-Policy (default-src 'none') would stop an
 * injected script on its own, and tests/web/content-security-policy.spec.ts covers it; here the escaping is tested
 * alone, so an escaping bug shows up as a script that ran as well as a DOM that changed. A mail's HTML part is
 * loaded with `page.setContent` (JavaScript on, no CSP) and its text part must carry the value literally.
 *
 * Every value a page or a mail interpolates (shop/src/web/*.ts, shop/src/consumers/mails.ts), and who sets it:
 *
 * | Value                         | Set by          | Rendered in (context)                                                | Case below             |
 * |-------------------------------|-----------------|----------------------------------------------------------------------|------------------------|
 * | user name                     | customer        | account page <dd>; review author <p>; welcome mail text/HTML (and    | account + welcome mail |
 * |                               |                 | subject, not checked: see the welcome mail step); confirmation and   | purchase               |
 * |                               |                 | shipped mails "Hi <name>,"; register form input value (rejected)     | register form          |
 * | email                         | customer        | account page <dd>; welcome mail; admin Orders customer cell;         | account, purchase      |
 * |                               |                 | register and login form input value (rejected)                       | register, login form   |
 * | product name                  | admin API       | <title> and <h1> of the product page; catalog link; cart row link;   | product, purchase      |
 * |                               |                 | checkout summary <th>; order items link; confirmation mail <li>/text |                        |
 * | product description           | admin API       | product page <p>                                                     | product                |
 * | category name                 | admin API       | product page category link text; catalog filter <option>             | product                |
 * | review comment                | customer        | product page review <p>; <textarea> after a rejected review          | review                 |
 * | review author                 | (user name)     | product page review <p class="author">                               | review                 |
 * | address name, line1, line2,   | customer        | cart address form input values (saved, or a rejected submission);    | purchase               |
 * |   city                        |                 | checkout "Shipping to <name>, <city>"; order page address <p>        |                        |
 * | postal code                   | customer        | stored only in its country's format; a rejected one is echoed into   | purchase               |
 * |                               |                 | the cart's Postal code input                                         |                        |
 * | discount code                 | customer        | cart input value and alert "Unknown discount code <CODE>" when       | purchase               |
 * |                               |                 | rejected (an accepted code is [A-Z0-9-] only: cart, confirmation)    |                        |
 * | carrier, tracking number      | admin (UI form) | order page <dd>s; shipped mail text/HTML                             | purchase               |
 * | catalog q, minPrice, maxPrice | visitor (URL)   | filter form input values; q (and the others) in the pagination hrefs | catalog filters        |
 * | quantity (rejected)           | customer        | product page Quantity input value                                    | product                |
 * | payment method id (rejected)  | customer        | checkout input value                                                 | purchase               |
 *
 * Not hostile-capable (validated to a pattern or an enum before they are stored or shown): ids, category slug
 * ([a-z0-9-]), SKU ([A-Z0-9-]), an applied discount code, country, rating, order status, the admin page's notice
 * (a UUID) and filter (a status). Not user-controlled: the payment-failed mail's reason (the provider's message).
 * No page shows the user's name in the header: the navigation holds fixed links only.
 */

/** Hostile values; each one sets `window.__xss` if it ever runs. */
const XSS = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=1">',
  svgBreakout: '"><svg onload="window.__xss=1">',
  attribute: '" autofocus onfocus="window.__xss=1" x="',
  textarea: '</textarea><script>window.__xss=1</script>',
  title: '</title><img src=x onerror="window.__xss=1">',
  jsUrl: 'javascript:window.__xss=1//',
  entities: `O'Brien & "Sons" <b>&amp;</b> &lt;i&gt;`,
} as const;

type Payload = keyof typeof XSS;

/** What a payload would add to a document: none of the shop's pages or mails has any of these. */
const INJECTED_ELEMENTS = 'img, svg, iframe, object, embed, b, [autofocus], [onload], [onerror], [onfocus]';

/** All clear: what `expectInert` finds in a document no payload got into. */
const INERT = { scripts: [], injectedElements: [], handlers: [], javascriptUrls: [], marker: null, pageErrors: [] };

/**
 * Watches a page from now on: its uncaught script errors are collected, and `expectInert` checks that the document as
 * it is now holds nothing a payload made (the shop's pages and mails have no script of their own, no img or svg, no
 * `on*` attribute, no `javascript:` URL) and that no payload ran (`window.__xss` unset, no script error).
 */
function watch(page: Page) {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    async expectInert(where: string): Promise<void> {
      const found = await page.evaluate((injected) => {
        const elements = [...document.querySelectorAll('*')];
        const describe = (element: Element) => element.outerHTML.slice(0, 120);
        return {
          scripts: [...document.querySelectorAll('script')].map(describe),
          injectedElements: [...document.querySelectorAll(injected)].map(describe),
          handlers: elements.flatMap((element) =>
            [...element.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => `<${element.localName} ${attribute.name}>`),
          ),
          javascriptUrls: elements.flatMap((element) =>
            ['href', 'src', 'action', 'formaction'].map((name) => element.getAttribute(name) ?? '').filter((url) => /^\s*javascript:/i.test(url)),
          ),
          marker: (window as unknown as { __xss?: unknown }).__xss ?? null,
        };
      }, INJECTED_ELEMENTS);
      expect({ ...found, pageErrors }, `${where}: no markup from a payload, and no payload ran`).toEqual(INERT);
    },
  };
}

/** The mail's HTML part in a page of its own with JavaScript on: `check` asserts the texts, then nothing is injected. */
async function expectMailHtml(context: BrowserContext, mail: Mail, check: (page: Page) => Promise<void>): Promise<void> {
  const mailPage = await context.newPage();
  try {
    const guard = watch(mailPage);
    await mailPage.setContent(mail.html);
    await check(mailPage);
    await guard.expectInert(`the HTML of the mail "${mail.subject}"`);
  } finally {
    await mailPage.close();
  }
}

/** A mail's text/plain part with its lines ended by \n (the mail has CRLF). */
const textPart = (mail: Mail): string => mail.text.replace(/\r\n/g, '\n');

/** The <dd> after the <dt> with this text. */
const definitionOf = (page: Page, term: string): Locator => page.locator(`dt:text-is("${term}") + dd`);

const PASSWORD = 'Passw0rd-xss-1';

// The slow cases first (a purchase, a delivered order), so the two workers end together.
interface PurchaseCase {
  title: string;
  customerName: Payload;
  hostileEmail: boolean;
  productName: Payload;
  address: Record<'name' | 'line1' | 'line2' | 'city', Payload>;
  discountCode: Payload;
  postalCode: Payload;
  paymentMethodId: Payload;
  carrier: Payload;
  trackingNumber: Payload;
}

const PURCHASES: PurchaseCase[] = [
  {
    title: 'set 1',
    customerName: 'script',
    hostileEmail: false,
    productName: 'img',
    address: { name: 'svgBreakout', line1: 'attribute', line2: 'entities', city: 'script' },
    discountCode: 'script',
    postalCode: 'svgBreakout',
    paymentMethodId: 'attribute',
    carrier: 'img',
    trackingNumber: 'svgBreakout',
  },
  {
    title: 'set 2',
    customerName: 'entities',
    hostileEmail: true,
    productName: 'script',
    address: { name: 'img', line1: 'title', line2: 'textarea', city: 'svgBreakout' },
    discountCode: 'img',
    postalCode: 'attribute',
    paymentMethodId: 'svgBreakout',
    carrier: 'entities',
    trackingNumber: 'attribute',
  },
];

test.describe('XSS in the DOM: a purchase with hostile values', { tag: ['@security', '@web', '@orders', '@cart', '@shipping', '@mail'] }, () => {
  test.use({ bypassCSP: true });

  for (const hostile of PURCHASES) {
    const describeCase = `name ${hostile.customerName}, product ${hostile.productName}, address ${Object.values(hostile.address).join('/')}, carrier ${hostile.carrier}/${hostile.trackingNumber}`;

    test(`cart, checkout, order page, admin Orders and the order mails (${hostile.title}: ${describeCase})`, async ({
      page,
      context,
      browser,
      baseURL,
      factory,
      checkout,
      mailbox,
      adminSession,
      cartPage,
      checkoutPage,
      orderPage,
      browserDiagnostics,
    }) => {
      const customerName = XSS[hostile.customerName];
      const productName = XSS[hostile.productName];
      const shipment = { carrier: XSS[hostile.carrier], trackingNumber: XSS[hostile.trackingNumber] };
      const address: ShippingAddress = {
        ...factory.address('US'),
        name: XSS[hostile.address.name],
        line1: XSS[hostile.address.line1],
        line2: XSS[hostile.address.line2],
        city: XSS[hostile.address.city],
      };
      const customer = await factory.customer({ name: customerName, ...(hostile.hostileEmail ? { email: `o'hara&sons.${factory.email()}` } : {}) });
      const product = await factory.product(await factory.category(), { name: productName, stock: 5 });
      await checkout.fillCart(customer, [{ product }]);
      await checkout.shipTo(customer, address);
      await signInWithToken(context, customer.accessToken);
      const guard = watch(page);

      await test.step('cart: the item and the saved address', async () => {
        await cartPage.goto();
        await expect(cartPage.itemsTable.getByRole('link')).toHaveText(productName);
        await expect(cartPage.addressForm.getByLabel('Full name')).toHaveValue(address.name);
        await expect(cartPage.addressForm.getByLabel('Address line 1')).toHaveValue(address.line1);
        await expect(cartPage.addressForm.getByLabel('Address line 2')).toHaveValue(address.line2!);
        await expect(cartPage.addressForm.getByLabel('City')).toHaveValue(address.city);
        await guard.expectInert('the cart');
      });

      await test.step('cart: a rejected discount code, in the input and (upper-cased) in the alert', async () => {
        const code = XSS[hostile.discountCode];
        await cartPage.applyDiscount(code);
        await expect(page).toHaveURL(/\/cart\/discount$/);
        await expect(cartPage.alert).toContainText(`Unknown discount code ${code.toUpperCase()}`);
        await expect(cartPage.discountInput).toHaveValue(code);
        await guard.expectInert('the cart with the rejected discount code');
      });

      await test.step('cart: a rejected postal code comes back with the rest of the address', async () => {
        const postalCode = XSS[hostile.postalCode];
        await cartPage.setShippingAddress({ ...address, postalCode });
        await expect(page).toHaveURL(/\/cart\/shipping-address$/);
        await expect(cartPage.alert).toContainText('Postal code');
        await expect(cartPage.addressForm.getByLabel('Postal code')).toHaveValue(postalCode);
        await expect(cartPage.addressForm.getByLabel('Full name')).toHaveValue(address.name);
        await expect(cartPage.addressForm.getByLabel('City')).toHaveValue(address.city);
        await guard.expectInert('the cart with the rejected address');
      });

      await test.step('checkout: the summary, the address, and a rejected payment method id', async () => {
        await checkoutPage.goto();
        await expect(page.getByRole('table', { name: 'Order summary' }).getByRole('rowheader')).toHaveText(productName);
        await expect(page.getByText(`Shipping to ${address.name}, ${address.city} (US)`, { exact: true })).toBeVisible();
        await guard.expectInert('the checkout page');
        // Over 255 characters: refused before the provider is called, and shown again.
        const paymentMethodId = `${XSS[hostile.paymentMethodId]}${'x'.repeat(256)}`;
        await checkoutPage.payWithMethodId(paymentMethodId);
        await expect(checkoutPage.alert).toBeVisible();
        await expect(checkoutPage.paymentMethodIdInput).toHaveValue(paymentMethodId);
        await guard.expectInert('the checkout page with the rejected payment method id');
      });

      const orderId = await test.step('pay: the order page shows the item and the address', async () => {
        await checkoutPage.paymentMethodIdInput.fill('');
        await checkoutPage.payWith('Visa (succeeds)');
        await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
        const id = orderPage.orderIdFromUrl();
        // The page reloads itself until the payment's webhook has arrived.
        await expect(orderPage.status).toHaveText('Paid');
        await expect(page.getByRole('table', { name: 'Order items' }).getByRole('link')).toHaveText(productName);
        await expectOrderAddress(page, address);
        await guard.expectInert('the paid order page');
        return id;
      });

      await test.step('confirmation mail: the customer name and the item', async () => {
        const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', orderId) });
        expect(textPart(mail)).toContain(`Hi ${customerName},\n`);
        expect(textPart(mail)).toContain(`- 1 × ${productName} at `);
        await expectMailHtml(context, mail, async (mailPage) => {
          await expect(mailPage.getByText(`Hi ${customerName},`, { exact: true })).toBeVisible();
          await expect(mailPage.getByRole('listitem')).toContainText(`1 × ${productName} at `);
        });
      });

      await test.step('admin Orders: the customer email; the admin ships with the carrier and tracking number', async () => {
        const adminContext = await browser.newContext({ baseURL, bypassCSP: true });
        browserDiagnostics.watch(adminContext, 'admin');
        try {
          await signInWithToken(adminContext, await adminSession.accessToken());
          const adminPage = await adminContext.newPage();
          const adminGuard = watch(adminPage);
          const adminOrders = new AdminOrdersPage(adminPage);
          await adminOrders.goto({ status: 'paid' });
          await expect(adminOrders.row(orderId).getByRole('cell').first()).toHaveText(customer.email);
          await adminGuard.expectInert('the admin Orders page');
          await adminOrders.ship(orderId, shipment);
          await expect(adminOrders.statusMessage).toHaveText(`Order ${orderId} shipped`);
          await adminGuard.expectInert('the admin Orders page after shipping');
        } finally {
          await adminContext.close();
        }
      });

      await test.step('order page: the carrier and the tracking number', async () => {
        await orderPage.goto(orderId);
        await expect(orderPage.status).toHaveText('Shipped');
        await expect(page.getByLabel('Carrier', { exact: true })).toHaveText(shipment.carrier);
        await expect(page.getByLabel('Tracking number', { exact: true })).toHaveText(shipment.trackingNumber);
        await expectOrderAddress(page, address);
        await guard.expectInert('the shipped order page');
      });

      await test.step('shipped mail: the customer name, the carrier and the tracking number', async () => {
        const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', orderId) });
        expect(textPart(mail)).toContain(`Hi ${customerName},\n`);
        expect(textPart(mail)).toContain(`Carrier: ${shipment.carrier}\nTracking number: ${shipment.trackingNumber}\n`);
        await expectMailHtml(context, mail, async (mailPage) => {
          await expect(mailPage.getByText(`Hi ${customerName},`, { exact: true })).toBeVisible();
          await expect(mailPage.locator('body')).toContainText(`Carrier: ${shipment.carrier}`);
          await expect(mailPage.locator('body')).toContainText(`Tracking number: ${shipment.trackingNumber}`);
        });
      });
    });
  }
});

test.describe('XSS in the DOM: reviews on the product page', { tag: ['@security', '@web', '@reviews'] }, () => {
  test.use({ bypassCSP: true });

  const cases: Array<{ author: Payload; comment: Payload; rejected: Payload }> = [
    { author: 'attribute', comment: 'img', rejected: 'textarea' },
    { author: 'svgBreakout', comment: 'script', rejected: 'entities' },
  ];
  for (const payloads of cases) {
    test(`product page: author ${payloads.author}, comment ${payloads.comment}, rejected comment ${payloads.rejected} back in the textarea`, async ({
      page,
      context,
      factory,
      checkout,
      productPage,
    }) => {
      const [author, comment, rejected] = [XSS[payloads.author], XSS[payloads.comment], XSS[payloads.rejected]];
      const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
      const reviewer = await factory.customer({ name: author });
      await checkout.delivered(reviewer, [{ product: products[0] }]);
      await signInWithToken(context, reviewer.accessToken);
      const guard = watch(page);
      await productPage.goto(products[0].id);

      await test.step('a rejected review: the comment comes back inside the textarea', async () => {
        // A hostile client: a rating the select does not offer, so the shop refuses the review and shows the form again.
        await productPage.ratingSelect.evaluate((select: HTMLSelectElement) => {
          select.options[select.selectedIndex].value = '0';
        });
        await productPage.reviewInput.fill(rejected);
        await productPage.submitReviewButton.click();
        await expect(productPage.alert).toContainText('Rating');
        await expect(productPage.reviewInput).toHaveValue(rejected);
        await expect(productPage.reviewForm.locator('textarea')).toHaveCount(1);
        await guard.expectInert('the product page with the rejected review');
      });

      await test.step('the review: its comment and its author', async () => {
        await productPage.writeReview({ rating: 4, comment });
        await expect(page).toHaveURL(new RegExp(`/products/${products[0].id}$`));
        const review = productPage.reviewsSection.getByRole('listitem');
        await expect(review).toHaveCount(1);
        await expect(review.locator('p').nth(1)).toHaveText(comment);
        await expect(review.locator('p.author')).toHaveText(author);
        await guard.expectInert('the product page with the review');
      });
    });
  }
});

test.describe('XSS in the DOM: values echoed back into a form', { tag: ['@security', '@web', '@users'] }, () => {
  test.use({ bypassCSP: true });

  // A valid name with an invalid email: the page comes back with both in their inputs.
  for (const payload of ['script', 'svgBreakout', 'attribute', 'entities'] as const) {
    test(`register form: a rejected registration with name and email ${payload} shows them as input values`, async ({ page, registerPage }) => {
      const value = XSS[payload];
      const guard = watch(page);
      await registerPage.goto();

      await registerPage.register({ name: value, email: value, password: PASSWORD });

      await expect(registerPage.alert).toContainText('Email');
      await expect(registerPage.nameInput).toHaveValue(value);
      await expect(registerPage.emailInput).toHaveValue(value);
      await guard.expectInert('the rejected register page');
    });
  }

  for (const payload of ['svgBreakout', 'attribute'] as const) {
    test(`login form: a failed login with email ${payload} shows it as the input value`, async ({ page, loginPage }) => {
      const value = XSS[payload];
      const guard = watch(page);
      await loginPage.goto();

      await loginPage.login({ email: value, password: PASSWORD });

      await expect(loginPage.alert).toBeVisible();
      await expect(loginPage.emailInput).toHaveValue(value);
      await guard.expectInert('the rejected login page');
    });
  }
});

test.describe('XSS in the DOM: catalog filters from the URL', { tag: ['@security', '@web', '@catalog'] }, () => {
  test.use({ bypassCSP: true });

  const cases: Array<{ field: 'q' | 'minPrice' | 'maxPrice'; label: string; payload: Payload }> = [
    { field: 'q', label: 'Search', payload: 'svgBreakout' },
    { field: 'q', label: 'Search', payload: 'title' },
    { field: 'minPrice', label: 'Min price', payload: 'attribute' },
    { field: 'maxPrice', label: 'Max price', payload: 'script' },
  ];
  for (const { field, label, payload } of cases) {
    test(`catalog: ${field}=${payload} in the URL comes back as the ${label} value`, async ({ page, catalogPage }) => {
      const value = XSS[payload];
      const guard = watch(page);

      await catalogPage.goto({ [field]: value });

      await expect(catalogPage.heading).toBeVisible();
      // A number input's value property drops text that is not a number: the attribute is what the shop wrote.
      await expect(catalogPage.filterForm.getByLabel(label, { exact: true })).toHaveAttribute('value', value);
      await guard.expectInert(`the catalog with ${field}=${payload}`);
    });
  }

  test('catalog: a javascript: search stays a query parameter in the pagination links', async ({ page, catalogPage, factory }) => {
    const value = XSS.jsUrl;
    // 13 matches: two pages of 12, so the page links carry the search.
    const { category } = await factory.productsInOwnCategory(13, () => ({ description: `${value} ${factory.faker.commerce.productDescription()}` }));
    const guard = watch(page);

    await catalogPage.goto({ category: category.slug, q: value });

    await expect(catalogPage.searchInput).toHaveValue(value);
    const next = await catalogPage.nextLink.getAttribute('href');
    expect(next, 'a path on the shop').toMatch(/^\/products\?/);
    expect(new URL(next!, 'http://shop.test').searchParams.get('q'), 'the search, as a parameter').toBe(value);
    await guard.expectInert('the catalog page 1');

    await catalogPage.nextLink.click();

    await expect(catalogPage.pageStatus).toHaveText('Page 2 of 2');
    await expect(catalogPage.searchInput).toHaveValue(value);
    const previous = await catalogPage.previousLink.getAttribute('href');
    expect(previous).toMatch(/^\/products\?/);
    expect(new URL(previous!, 'http://shop.test').searchParams.get('q')).toBe(value);
    await guard.expectInert('the catalog page 2');
  });
});

test.describe('XSS in the DOM: the user name on the account page and in the welcome mail', { tag: ['@security', '@web', '@users', '@mail'] }, () => {
  test.use({ bypassCSP: true });

  const cases: Array<{ payload: Payload; hostileEmail?: boolean }> = [
    { payload: 'script' },
    { payload: 'img' },
    { payload: 'svgBreakout' },
    // A valid address may hold ' and &: the email is shown too.
    { payload: 'entities', hostileEmail: true },
  ];
  for (const { payload, hostileEmail } of cases) {
    test(`account page and welcome mail: a user named ${payload}${hostileEmail ? ', with an email holding quote and ampersand' : ''}`, async ({
      page,
      context,
      factory,
      mailbox,
      accountPage,
    }) => {
      const name = XSS[payload];
      const customer = await factory.customer({ name, ...(hostileEmail ? { email: `o'hara&sons.${factory.email()}` } : {}) });
      await signInWithToken(context, customer.accessToken);
      const guard = watch(page);

      await test.step('account page', async () => {
        await accountPage.goto();
        await expect(accountPage.heading).toBeVisible();
        await expect(definitionOf(page, 'Name')).toHaveText(name);
        await expect(definitionOf(page, 'Email')).toHaveText(customer.email);
        await guard.expectInert('the account page');
      });

      await test.step('welcome mail', async () => {
        // Not the subject: nodemailer Q-encodes (RFC 2047) a subject like these, and the mailhog client the mailbox
        // reads it with decodes that wrongly ('_' for spaces, a space where the header was folded). It is no markup.
        const mail = await mailbox.waitForEmail({ to: customer.email, subject: /^Welcome/ });
        expect(textPart(mail)).toContain(`Hi ${name},\n`);
        expect(textPart(mail)).toContain(`Your Event Shop account for ${customer.email} is ready.`);
        await expectMailHtml(context, mail, async (mailPage) => {
          await expect(mailPage.getByText(`Hi ${name},`, { exact: true })).toBeVisible();
          await expect(mailPage.getByText(`Your Event Shop account for ${customer.email} is ready.`, { exact: true })).toBeVisible();
        });
      });
    });
  }
});

test.describe('XSS in the DOM: product, category and description set by the admin', { tag: ['@security', '@web', '@catalog', '@cart'] }, () => {
  test.use({ bypassCSP: true });

  const cases: Array<{ name: Payload; description: Payload; category: Payload; quantity: Payload }> = [
    { name: 'title', description: 'img', category: 'svgBreakout', quantity: 'attribute' },
    { name: 'img', description: 'script', category: 'title', quantity: 'svgBreakout' },
    { name: 'entities', description: 'attribute', category: 'script', quantity: 'entities' },
  ];
  for (const payloads of cases) {
    test(`catalog and product page: name ${payloads.name}, description ${payloads.description}, category ${payloads.category}, rejected quantity ${payloads.quantity}`, async ({
      page,
      context,
      factory,
      customer,
      catalogPage,
      productPage,
    }) => {
      const [name, description, categoryName, quantity] = [XSS[payloads.name], XSS[payloads.description], XSS[payloads.category], XSS[payloads.quantity]];
      const category = await factory.category({ name: categoryName, slug: `e2e-xss-${factory.uniqueWord().toLowerCase()}` });
      const product = await factory.product(category, { name, description, stock: 5 });
      await signInWithToken(context, customer.accessToken);
      const guard = watch(page);

      await test.step('catalog: the product link and the category option', async () => {
        await catalogPage.goto({ category: category.slug });
        await expect(catalogPage.productLink(name)).toHaveAttribute('href', `/products/${product.id}`);
        await expect(catalogPage.products).toHaveCount(1);
        await expect(catalogPage.products.getByRole('link')).toHaveText(name);
        await expect(catalogPage.categorySelect.locator(`option[value="${category.slug}"]`)).toHaveText(categoryName);
        await guard.expectInert('the catalog');
      });

      await test.step('product page: title, heading, description and category link', async () => {
        await productPage.goto(product.id);
        await expect(page).toHaveTitle(`${name} · Event Shop`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
        await expect(page.locator('p.price + p')).toHaveText(description);
        await expect(definitionOf(page, 'Category').getByRole('link')).toHaveText(categoryName);
        await expect(definitionOf(page, 'Category').getByRole('link')).toHaveAttribute('href', `/products?category=${category.slug}`);
        await guard.expectInert('the product page');
      });

      await test.step('product page: a rejected quantity comes back as the input value', async () => {
        // A hostile client: the number input made a text input, so any text is sent.
        await productPage.quantityInput.evaluate((input: HTMLInputElement) => {
          input.type = 'text';
        });
        await productPage.quantityInput.fill(quantity);
        await productPage.addToCartButton.click();
        await expect(productPage.alert).toContainText('Quantity');
        await expect(productPage.quantityInput).toHaveAttribute('value', quantity);
        await expect(page).toHaveTitle(`${name} · Event Shop`);
        await guard.expectInert('the product page with the rejected quantity');
      });
    });
  }
});

/** The order page's address: one line each, as the customer typed them. */
async function expectOrderAddress(page: Page, address: ShippingAddress): Promise<void> {
  const lines = page.locator('h2:text-is("Shipping address") + p');
  await expect
    .poll(() => lines.evaluate((paragraph: HTMLElement) => paragraph.innerText.split('\n')), { message: 'the address lines' })
    .toEqual([address.name, address.line1, address.line2, `${address.postalCode} ${address.city}`, 'United States']);
}
