/**
 * Writes the shop's OpenAPI document to contracts/openapi.json, or with --check fails when that copy is not what
 * the shop serves at GET /openapi.json. The server is built without listening and without a database: its routes
 * read the shop's context only when a request comes.
 *
 *   npm run contracts:openapi   write contracts/openapi.json
 *   npm run contracts:check     exit 1 when it is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ShopContext } from '../src/context';
import { buildServer } from '../src/server';

const COPY = path.resolve(__dirname, '..', '..', 'contracts', 'openapi.json');

/** Nothing but the log level: a route that reached for anything else while being declared would fail here. */
const NO_SHOP = { config: { logLevel: 'silent' } } as ShopContext;

async function currentDocument(): Promise<string> {
  const app = buildServer(NO_SHOP);
  await app.ready();
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return document;
}

async function main(): Promise<void> {
  const document = await currentDocument();
  const relative = path.relative(process.cwd(), COPY);
  if (process.argv.includes('--check')) {
    if (!existsSync(COPY) || readFileSync(COPY, 'utf8') !== document) {
      console.error(`${relative} is not the document the shop serves: run \`npm run contracts:openapi\` and commit it.`);
      process.exit(1);
    }
    console.log(`${relative} is up to date.`);
    return;
  }
  writeFileSync(COPY, document);
  console.log(`wrote ${relative}`);
}

void main();
