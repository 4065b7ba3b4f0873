/**
 * Writes the GraphQL schema the shop serves at POST /graphql to contracts/graphql/schema.graphql, or with --check
 * fails when that copy differs from it. Like shop/scripts/openapi.ts, the server is built without listening and
 * without a database.
 *
 *   npm run contracts:graphql              write contracts/graphql/schema.graphql
 *   npm run contracts:graphql -- --check   exit 1 when it is out of date
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import type { ShopContext } from '../src/context';
import { buildServer } from '../src/server';

const COPY = path.resolve(__dirname, '..', '..', 'contracts', 'graphql', 'schema.graphql');

const NO_SHOP = { config: { logLevel: 'silent' } } as ShopContext;

const HEADER = '# The schema of the shop\'s POST /graphql (docs/API.md, "GraphQL"), written by `npm run contracts:graphql`.\n\n';

async function currentSchema(): Promise<string> {
  const app = buildServer(NO_SHOP);
  await app.ready();
  const schema = `${HEADER}${printSchema(app.graphql.schema)}\n`;
  await app.close();
  return schema;
}

async function main(): Promise<void> {
  const schema = await currentSchema();
  const relative = path.relative(process.cwd(), COPY);
  if (process.argv.includes('--check')) {
    if (!existsSync(COPY) || readFileSync(COPY, 'utf8') !== schema) {
      console.error(`${relative} is not the schema the shop serves: run \`npm run contracts:graphql\` and commit it.`);
      process.exit(1);
    }
    console.log(`${relative} is up to date.`);
    return;
  }
  mkdirSync(path.dirname(COPY), { recursive: true });
  writeFileSync(COPY, schema);
  console.log(`wrote ${relative}`);
}

void main();
