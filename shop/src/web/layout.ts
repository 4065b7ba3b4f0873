import { createHash } from 'node:crypto';
import type { User } from '../services/users';
import { html, SafeHtml } from './html';

const STYLES = new SafeHtml(`
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; }
  header { background: #1f3a5f; padding: .75rem 1.5rem; }
  header nav a { color: #fff; margin-right: 1.25rem; text-decoration: none; font-weight: 600; }
  header nav a:hover, header nav a:focus { text-decoration: underline; }
  main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
  form { display: grid; gap: .75rem; max-width: 26rem; margin-bottom: 1.5rem; }
  form.filters { grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); max-width: none; align-items: end; }
  label { display: grid; gap: .25rem; font-weight: 600; }
  input, select, button { font: inherit; padding: .4rem .5rem; }
  button { background: #1f3a5f; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  [role="alert"] { border: 2px solid #b00020; background: #fdecee; color: #7a0016; padding: .5rem 1rem; margin-bottom: 1rem; }
  ul.products { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
  ul.products li { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .75rem 1rem; }
  .price { font-weight: 700; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; background: #fff; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  td form { display: flex; gap: .5rem; align-items: end; margin: 0; max-width: none; }
  dl.amounts { display: grid; grid-template-columns: max-content max-content; gap: .25rem 1.5rem; }
  dl.amounts dd { margin: 0; text-align: right; }
  [role="status"] { font-weight: 700; }
  ul.reviews { list-style: none; padding: 0; }
  ul.reviews li { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; margin-bottom: .75rem; }
  nav[aria-label="Pagination"] { display: flex; gap: 1rem; align-items: center; }
`);

/**
 * The one style sheet, inline, allowed by its hash in the Content-Security-Policy (server.ts): no page needs
 * 'unsafe-inline', and an injected <style> or style attribute would not apply.
 */
export const STYLE_HASH_SOURCE = `'sha256-${createHash('sha256').update(STYLES.value).digest('base64')}'`;

export interface PageOptions {
  title: string;
  user?: User;
  body: SafeHtml;
  /** Reload the page after this many seconds (a page waiting for something to happen elsewhere). */
  refreshSeconds?: number;
}

function mainNavigation(user: User | undefined): SafeHtml {
  const links = user
    ? html`<a href="/cart">Cart</a>
    <a href="/orders">Orders</a>
    ${user.role === 'admin' && html`<a href="/admin/orders">Admin</a>`}
    <a href="/account">Account</a>`
    : html`<a href="/login">Log in</a> <a href="/register">Register</a>`;
  return html`<nav aria-label="Main">
    <a href="/products">Catalog</a>
    ${links}
  </nav>`;
}

/** The whole document around a page's body: title, styles and the Main navigation. */
export function layout({ title, user, body, refreshSeconds }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">${refreshSeconds && html`
  <meta http-equiv="refresh" content="${refreshSeconds}">`}
  <title>${title} · Event Shop</title>
  <style>${STYLES}</style>
</head>
<body>
  <header>${mainNavigation(user)}</header>
  <main>
${body}
  </main>
</body>
</html>
`.value;
}

/** An alert listing each message; nothing when there are none. */
export function errorAlert(messages: string[]): SafeHtml | undefined {
  if (messages.length === 0) return undefined;
  return html`<div role="alert"><ul aria-label="Errors">${messages.map((message) => html`<li>${message}</li>`)}</ul></div>`;
}
