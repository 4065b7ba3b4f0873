import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, fileChecksum, listMigrations, withoutTable } from '../../fixtures';

/**
 * The shop's migrations (docs/API.md, "Migrations"), driven as an operator drives them: `npm run db:migrate -- …` as a
 * child process on a database of the test's own, inspected through the catalog and the tables. The migrations are
 * read from shop/migrations, so a new one is covered by every family below without touching this file (its seed rows
 * go into fixtures/migrations/seeds.ts).
 */
const MIGRATIONS = listMigrations();
const LATEST = MIGRATIONS[MIGRATIONS.length - 1];
/** The version a migration starts from: the number of the one before it, 0 for the first. */
const below = (index: number) => (index === 0 ? 0 : MIGRATIONS[index - 1].number);
const short = (checksum: string) => `${checksum.slice(0, 12)}…`;

// A worker builds its template databases (one per version) on first use, some 18 runs of the command.
test.describe.configure({ timeout: 120_000 });

test.describe('migrations up and down', { tag: ['@protocol', '@data'] }, () => {
  test('from empty to the latest migration and back to empty leaves no object but an empty schema_migrations', async ({ migrations }) => {
    const empty = await migrations.catalogAt(0);
    const database = await migrations.database({ at: 0 });

    const up = await database.migrate(['up']);
    expect(up.steps.map((step) => step.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(up).toMatchObject({ version: LATEST.number, migration: LATEST.version, pending: 0 });
    expect((await database.catalog()).relations.length).toBeGreaterThan(MIGRATIONS.length);

    const down = await database.migrate(['to', '0']);
    expect(down.steps.map((step) => `${step.direction} ${step.version}`)).toEqual(MIGRATIONS.map((migration) => `down ${migration.version}`).reverse());
    expect(down).toMatchObject({ version: 0, migration: null, pending: MIGRATIONS.length });

    // The runner's own table stays (it is the record that nothing is applied); every other object is gone.
    const after = await database.catalog();
    expect(withoutTable(after, 'schema_migrations')).toEqual(empty);
    expect(after.relations).toEqual([expect.stringMatching(/^relation schema_migrations kind r /), expect.stringMatching(/^relation schema_migrations_pkey kind i /)]);
    expect(await database.query('SELECT version FROM schema_migrations')).toEqual([]);
  });

  for (const [index, migration] of MIGRATIONS.entries()) {
    test(`${migration.version}: its down step restores the schema below it, and applying it again the schema it made`, async ({ migrations }) => {
      // The schemas the operator command made going up (the worker's templates at each version).
      const before = await migrations.catalogAt(below(index));
      const database = await migrations.database({ at: migration.number });
      const made = await database.catalog();
      // Going down with data in every table: a down step must cope with the rows its version allows.
      await database.seed(migration.number);

      const down = await database.migrate(['down']);
      expect(down.steps).toEqual([expect.objectContaining({ version: migration.version, direction: 'down' })]);
      expect(down.version).toBe(below(index));
      // The runner's own table is no migration's object: it is there at every version but 0 (a new database).
      expect(withoutTable(await database.catalog(), 'schema_migrations')).toEqual(withoutTable(before, 'schema_migrations'));

      const up = await database.migrate(['to', String(migration.number)]);
      expect(up.steps).toEqual([expect.objectContaining({ version: migration.version, direction: 'up' })]);
      expect(await database.catalog()).toEqual(made);
    });
  }

  for (const migration of MIGRATIONS) {
    test(`data written at ${migration.version} survives every later migration, with every constraint and index valid`, async ({ migrations }) => {
      const database = await migrations.database({ at: migration.number });
      const { seeded, unseeded } = await database.seed(migration.number);
      expect(unseeded, 'every table has seed rows in fixtures/migrations/seeds.ts').toEqual([]);
      expect(Object.values(seeded).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
      const columns = await database.columnsByTable();
      const written = await database.content(columns);

      const up = await database.migrate(['up']);
      expect(up).toMatchObject({ version: LATEST.number, pending: 0 });

      // Every row as it was, on the columns it had; later columns hold their defaults (NOT NULL ones are checked below).
      expect(await database.content(columns)).toEqual(written);
      expect(await database.constraintProblems()).toEqual([]);
    });
  }

  test('an applied migration edited afterwards stops the command and the shop’s start with one clear line', async ({ migrations }) => {
    const folder = migrations.copyFolder();
    const migrationsEnv = { env: { MIGRATIONS_DIR: folder } };
    const edited = MIGRATIONS[Math.min(4, MIGRATIONS.length - 1)];
    const copy = path.join(folder, edited.version);
    const database = await migrations.database({ at: 0 });
    await database.migrate(['up'], migrationsEnv);

    const original = readFileSync(copy, 'utf8');
    appendFileSync(copy, '\n-- an afterthought, added after the migration ran\n');
    const message =
      `migration ${edited.version} was changed after it was applied (recorded sha256 ${short(fileChecksum(edited.upFile))}, ` +
      `on disk ${short(fileChecksum(copy))}); restore it and add a new migration instead`;

    for (const args of [['up'], ['down'], ['to', '0']]) {
      const run = await database.command(args, migrationsEnv);
      expect(run.code, `db:migrate ${args.join(' ')}`).toBe(1);
      expect(run.stderr.trim()).toBe(`db:migrate: ${message}`);
    }
    const { run: statusRun, report } = await database.status(migrationsEnv);
    expect(statusRun.code).toBe(1);
    expect(report.migrations.find((row) => row.version === edited.version)?.checksum).toBe('changed');
    expect(report.migrations.filter((row) => row.checksum === 'ok')).toHaveLength(MIGRATIONS.length - 1);

    const shop = await migrations.startShop(database, { MIGRATIONS_DIR: folder });
    expect(shop.code).toBe(1);
    expect(shop.stderr.trim()).toBe(`shop: cannot start: ${message}`);
    // Nothing was reverted by the refused commands.
    expect(await database.query('SELECT count(*)::int AS applied FROM schema_migrations')).toEqual([{ applied: MIGRATIONS.length }]);

    writeFileSync(copy, original);
    expect((await database.migrate(['up'], migrationsEnv)).steps).toEqual([]);
  });

  test('a recorded migration whose file is gone stops the command with one clear line', async ({ migrations }) => {
    const folder = migrations.copyFolder();
    const migrationsEnv = { env: { MIGRATIONS_DIR: folder } };
    const database = await migrations.database({ at: 0 });
    await database.migrate(['up'], migrationsEnv);
    rmSync(path.join(folder, LATEST.version));

    const run = await database.command(['up'], migrationsEnv);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `db:migrate: migration ${LATEST.version} is recorded as applied but has no file in ${folder}; ` +
        'restore the file (an applied migration stays in the folder), or go down with the release that has it',
    );
    const { report } = await database.status(migrationsEnv);
    expect(report.migrations.at(-1)).toMatchObject({ version: LATEST.version, state: 'applied', checksum: 'no file' });
  });

  test('a database migrated before checksums gets them on the next run, and its status says so until then', async ({ migrations }) => {
    const database = await migrations.database({ at: LATEST.number });
    // schema_migrations as the runner before checksums made it: (version, applied_at).
    await database.query('ALTER TABLE schema_migrations DROP COLUMN checksum');

    const before = await database.status();
    expect(before.run.code).toBe(0);
    expect(before.report.migrations.map((row) => `${row.version} ${row.state} ${row.checksum}`)).toEqual(
      MIGRATIONS.map((migration) => `${migration.version} applied unrecorded`),
    );

    expect((await database.migrate(['up'])).steps).toEqual([]);
    expect(await database.query('SELECT version, checksum FROM schema_migrations ORDER BY version')).toEqual(
      MIGRATIONS.map((migration) => ({ version: migration.version, checksum: fileChecksum(migration.upFile) })),
    );
    expect((await database.status()).report.migrations.every((row) => row.checksum === 'ok')).toBe(true);
  });

  test('going down past an irreversible migration stops before any step, with its reason', async ({ migrations }) => {
    const folder = migrations.copyFolder();
    const migrationsEnv = { env: { MIGRATIONS_DIR: folder } };
    const irreversible = MIGRATIONS[MIGRATIONS.length - 2];
    writeFileSync(path.join(folder, path.basename(irreversible.downFile)), '-- irreversible: the old prices are not kept anywhere\n');
    const database = await migrations.database({ at: 0 });
    await database.migrate(['up'], migrationsEnv);

    const run = await database.command(['to', '0'], migrationsEnv);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `db:migrate: migration ${irreversible.version} is irreversible: the old prices are not kept anywhere; cannot go down past it`,
    );
    // Not even the latest, reversible one was reverted: the command checks the whole way down first.
    expect(await database.query('SELECT count(*)::int AS applied FROM schema_migrations')).toEqual([{ applied: MIGRATIONS.length }]);
    expect(await database.migrate(['down'], migrationsEnv)).toMatchObject({ version: irreversible.number });
    expect((await database.command(['down'], migrationsEnv)).code).toBe(1);
  });

  const OPERATOR_ERRORS: { title: string; args: string[]; env: Record<string, string>; code: number; line: RegExp }[] = [
    { title: 'no DATABASE_URL', args: ['up'], env: { DATABASE_URL: '' }, code: 1, line: /^db:migrate: DATABASE_URL is not set: name the database to migrate/ },
    { title: 'an unknown version', args: ['to', '999'], env: {}, code: 1, line: /^db:migrate: unknown version 999: the migrations in .+ are numbered \d+…\d+ \(0 = empty\)$/ },
    { title: 'a version that is no number', args: ['to', 'latest'], env: {}, code: 2, line: /^db:migrate: unknown version latest: a version is a migration's number/ },
    { title: 'down with nothing applied', args: ['down'], env: {}, code: 1, line: /^db:migrate: nothing to revert: no migration is applied$/ },
    { title: 'an unknown command', args: ['sideways'], env: {}, code: 2, line: /^db:migrate: unknown command "sideways". usage: npm run db:migrate -- up \| down \| to <N> \| status/ },
    { title: 'a database that does not answer', args: ['up'], env: { DATABASE_URL: 'postgres://shop:shop@127.0.0.1:9/nowhere' }, code: 1, line: /^db:migrate: cannot connect to Postgres at 127\.0\.0\.1:9\/nowhere: .*ECONNREFUSED/ },
  ];
  for (const row of OPERATOR_ERRORS) {
    test(`the command refuses ${row.title} with one line and exit code ${row.code}`, async ({ migrations }) => {
      const database = await migrations.database({ at: 0 });
      const run = await database.command(row.args, { env: row.env });
      expect(run.code).toBe(row.code);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(row.line)]);
      expect(run.stderr).not.toContain('    at ');
    });
  }

  test(`the latest migration (${LATEST.version}) on 100,000 orders: up and down timed, data and constraints intact`, async ({ migrations }, testInfo) => {
    const database = await migrations.database({ at: below(MIGRATIONS.length - 1) });
    const seededStarted = performance.now();
    const written = await database.seedBulkOrders(100_000);
    const seedMs = Math.round(performance.now() - seededStarted);
    expect(written.orders).toBe(100_000);
    const counts = () => database.query<{ orders: number; items: number }>('SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS items');

    const up = await database.migrate(['up']);
    const upRun = database.runs.at(-1)!;
    const down = await database.migrate(['down']);
    const downRun = database.runs.at(-1)!;
    const again = await database.migrate(['up']);
    expect([up, down, again].map((report) => report.steps.map((step) => `${step.direction} ${step.version}`))).toEqual([
      [`up ${LATEST.version}`],
      [`down ${LATEST.version}`],
      [`up ${LATEST.version}`],
    ]);
    expect(await counts()).toEqual([{ orders: 100_000, items: 100_000 }]);
    expect(await database.constraintProblems()).toEqual([]);

    // Reported, never asserted: a loaded machine is slower, not wrong.
    const timing = {
      migration: LATEST.version,
      rows: written,
      seedMs,
      upMs: up.steps[0].ms,
      downMs: down.steps[0].ms,
      upAgainMs: again.steps[0].ms,
      upCommandMs: upRun.ms,
      downCommandMs: downRun.ms,
    };
    const line = `${LATEST.version} on 100,000 orders: up ${timing.upMs} ms, down ${timing.downMs} ms, up again ${timing.upAgainMs} ms (in its transaction; the whole command ${timing.upCommandMs} / ${timing.downCommandMs} ms)`;
    testInfo.annotations.push({ type: 'migration timing', description: line });
    await testInfo.attach('migration-timing.json', { body: JSON.stringify(timing, null, 2), contentType: 'application/json' });
    await testInfo.attach('migration-timing.txt', { body: `${line}\n`, contentType: 'text/plain' });
  });
});
