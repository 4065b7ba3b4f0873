/**
 * The operator's side of the shop's migrations (docs/API.md, "Migrations"), on the database DATABASE_URL names
 * (from the environment or .env), with the migrations of MIGRATIONS_DIR (default shop/migrations):
 *
 *   npm run db:migrate -- up        apply every pending migration
 *   npm run db:migrate -- down      revert the latest applied migration
 *   npm run db:migrate -- to N      go up or down to version N (0 = empty: every migration reverted)
 *   npm run db:migrate -- status    each migration, applied or pending, and the state of its checksum
 *
 * Add --json for one JSON document on stdout instead of the table. Each step runs in a transaction of its own with its
 * schema_migrations row, under the lock the shop's start takes. Any problem is one line on stderr and exit code 1
 * (2 for a wrong command line).
 */
import { config as loadDotenv } from 'dotenv';
import { Client } from 'pg';
import {
  loadMigrations,
  migrationsDir,
  migrationStatus,
  MigrationError,
  Migrator,
  verifyApplied,
  type MigrationStatus,
  type StepResult,
} from '../src/migrations';
import { databaseAddress } from '../src/db';
import { describeError } from '../src/startup';

const USAGE = 'usage: npm run db:migrate -- up | down | to <N> | status  [--json]   (DATABASE_URL names the database)';

class UsageError extends Error {}

type Command = { name: 'up' | 'down' | 'status' } | { name: 'to'; target: number };

function parseCommand(args: string[]): Command {
  const [name, value, ...rest] = args;
  if (name === 'to') {
    if (value === undefined || rest.length > 0) throw new UsageError(`"to" takes one version number. ${USAGE}`);
    if (!/^\d+$/.test(value)) throw new UsageError(`unknown version ${value}: a version is a migration's number, e.g. 5 or 005 (0 = empty)`);
    return { name: 'to', target: Number(value) };
  }
  if (name === 'up' || name === 'down' || name === 'status') {
    if (value !== undefined) throw new UsageError(`"${name}" takes no argument. ${USAGE}`);
    return { name };
  }
  throw new UsageError(name ? `unknown command "${name}". ${USAGE}` : USAGE);
}

/** Where the database is after a command: its latest applied migration (0 and null: none) and how many are pending. */
interface Position {
  version: number;
  migration: string | null;
  pending: number;
}

function printSteps(steps: StepResult[], now: Position, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ steps, ...now }));
    return;
  }
  if (steps.length === 0) console.log('nothing to do');
  console.log(`at version ${now.version}${now.migration ? ` (${now.migration})` : ' (empty)'}, ${now.pending} pending`);
}

function printStatus(statuses: MigrationStatus[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ migrations: statuses }));
    return;
  }
  const width = Math.max(9, ...statuses.map((status) => status.version.length));
  console.log(`${'migration'.padEnd(width)}  state    checksum    applied at`);
  for (const status of statuses) {
    const applied = status.appliedAt ? status.appliedAt.toISOString() : '';
    console.log(`${status.version.padEnd(width)}  ${status.state.padEnd(7)}  ${(status.checksum ?? '').padEnd(10)}  ${applied}`.trimEnd());
  }
}

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const args = process.argv.slice(2).filter((arg) => arg !== '--json');
  const json = process.argv.includes('--json');
  const command = parseCommand(args);
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) throw new MigrationError('DATABASE_URL is not set: name the database to migrate, e.g. DATABASE_URL=postgres://user:password@host:5432/shop');
  const dir = migrationsDir();

  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, application_name: 'db:migrate' });
  // A connection the server drops mid-step surfaces as the step's error; without a listener it would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`cannot connect to Postgres at ${databaseAddress(databaseUrl)}: ${describeError(error)}`);
  }
  try {
    if (command.name === 'status') {
      const migrations = await loadMigrations(dir);
      printStatus(await migrationStatus(client, migrations, dir), json);
      // The table shows every problem; the error line names the first, as the shop's start would (reads only).
      await verifyApplied(client, migrations, dir);
      return 0;
    }
    // In text, each step is printed as it ends, so a failure later still shows what was done.
    const onStep = json ? undefined : (step: StepResult) => console.log(`${step.direction === 'up' ? 'applied ' : 'reverted'} ${step.version} (${step.ms} ms)`);
    const { steps, now } = await Migrator.run(
      client,
      async (migrator) => {
        let done: StepResult[];
        if (command.name === 'to') done = await migrator.to(command.target, onStep);
        else if (command.name === 'down') done = await migrator.down({ count: 1 }, onStep);
        else done = await migrator.up(undefined, onStep);
        const latest = migrator.appliedLatestFirst()[0];
        const now: Position = { version: latest?.number ?? 0, migration: latest?.version ?? null, pending: migrator.pending().length };
        return { steps: done, now };
      },
      dir,
    );
    if (command.name === 'down' && steps.length === 0) throw new MigrationError('nothing to revert: no migration is applied');
    printSteps(steps, now, json);
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line, never a stack: the database or the command line is wrong, not this script.
    console.error(`db:migrate: ${describeError(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
