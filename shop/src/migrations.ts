import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientBase, Pool } from 'pg';
import { describeError, StartupError } from './startup';

/**
 * The shop's schema migrations (docs/API.md, "Migrations"): shop/migrations/NNN_name.sql, applied in file-name order,
 * each once, each in its own transaction with its row in schema_migrations (version, applied_at, checksum). Each has a
 * down step, NNN_name.down.sql, that undoes it; a down file whose first line is `-- irreversible: <reason>` cannot be
 * gone down past. The sha256 of every applied up file is recorded: an applied migration whose file changed since stops
 * the shop's start and the operator command (shop/scripts/migrate.ts).
 */

/** Where the migrations are; MIGRATIONS_DIR points the shop and the operator command at another folder (the tests do). */
export function migrationsDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MIGRATIONS_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(__dirname, '..', 'migrations');
}

/** Serialises shops starting on the same database at once, and the operator command; shared by every shop process. */
const MIGRATION_LOCK_KEY = 7_240_001;

const UP_FILE = /^(\d+)_[^/]+\.sql$/;
const DOWN_SUFFIX = '.down.sql';
const IRREVERSIBLE = /^--\s*irreversible:\s*(.*)$/i;

/** A migration or a recorded version the runner will not go past, in one line (a StartupError: the shop prints its message). */
export class MigrationError extends StartupError {}

export interface Migration {
  /** The up file's name, as recorded in schema_migrations.version: `005_discounts_and_carts.sql`. */
  version: string;
  /** Its number: 5. */
  number: number;
  upPath: string;
  downPath: string;
  /** sha256 (hex) of the up file, line endings normalised to \n so a Windows checkout is not an edit. */
  checksum: string;
}

export interface AppliedMigration {
  version: string;
  appliedAt: Date;
  /** Null for a migration applied by the runner before checksums (filled in by the next start or operator step). */
  checksum: string | null;
}

export type ChecksumState = 'ok' | 'changed' | 'unrecorded' | 'no file';

export interface MigrationStatus {
  version: string;
  state: 'applied' | 'pending';
  checksum: ChecksumState | null;
  appliedAt?: Date;
}

export interface StepResult {
  version: string;
  direction: 'up' | 'down';
  ms: number;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

function shortSum(checksum: string): string {
  return `${checksum.slice(0, 12)}…`;
}

/** The up migrations in the folder, in file-name order (down files and other files aside). */
export async function loadMigrations(dir: string = migrationsDir()): Promise<Migration[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    throw new MigrationError(`cannot read the migrations folder ${dir}: ${describeError(error)}`);
  }
  const ups = files.filter((file) => file.endsWith('.sql') && !file.endsWith(DOWN_SUFFIX)).sort();
  return Promise.all(
    ups.map(async (file) => {
      const match = UP_FILE.exec(file);
      if (!match) throw new MigrationError(`migration file ${file} in ${dir} is not named NNN_name.sql`);
      const upPath = path.join(dir, file);
      return {
        version: file,
        number: Number(match[1]),
        upPath,
        downPath: path.join(dir, file.slice(0, -'.sql'.length) + DOWN_SUFFIX),
        checksum: checksumOf(await readFile(upPath, 'utf8')),
      };
    }),
  );
}

async function tableExists(client: ClientBase): Promise<{ table: boolean; checksum: boolean }> {
  const { rows } = await client.query<{ table: boolean; checksum: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS table,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') AND attname = 'checksum'
                    AND NOT attisdropped) AS checksum`,
  );
  return rows[0];
}

async function readApplied(client: ClientBase): Promise<AppliedMigration[]> {
  const present = await tableExists(client);
  if (!present.table) return [];
  const { rows } = await client.query<{ version: string; applied_at: Date; checksum: string | null }>(
    `SELECT version, applied_at, ${present.checksum ? 'checksum' : 'NULL::text AS checksum'} FROM schema_migrations ORDER BY version`,
  );
  return rows.map((row) => ({ version: row.version, appliedAt: row.applied_at, checksum: row.checksum }));
}

/** A changed applied file or a recorded version without a file, in one line; undefined when all is well. */
function problemOf(record: AppliedMigration, migration: Migration | undefined, dir: string): string | undefined {
  if (!migration) {
    return `migration ${record.version} is recorded as applied but has no file in ${dir}; restore the file (an applied migration stays in the folder), or go down with the release that has it`;
  }
  if (record.checksum !== null && record.checksum !== migration.checksum) {
    return `migration ${record.version} was changed after it was applied (recorded sha256 ${shortSum(record.checksum)}, on disk ${shortSum(migration.checksum)}); restore it and add a new migration instead`;
  }
  return undefined;
}

/** Each migration of the folder and each recorded version without a file, with its state; reads only. */
export async function migrationStatus(client: ClientBase, migrations: Migration[], dir: string = migrationsDir()): Promise<MigrationStatus[]> {
  const applied = new Map((await readApplied(client)).map((record) => [record.version, record]));
  const known = new Set(migrations.map((migration) => migration.version));
  const statuses: MigrationStatus[] = migrations.map((migration) => {
    const record = applied.get(migration.version);
    if (!record) return { version: migration.version, state: 'pending', checksum: null };
    const checksum: ChecksumState = record.checksum === null ? 'unrecorded' : problemOf(record, migration, dir) ? 'changed' : 'ok';
    return { version: migration.version, state: 'applied', checksum, appliedAt: record.appliedAt };
  });
  for (const record of applied.values()) {
    if (!known.has(record.version)) statuses.push({ version: record.version, state: 'applied', checksum: 'no file', appliedAt: record.appliedAt });
  }
  return statuses.sort((a, b) => a.version.localeCompare(b.version));
}

/** The first problem of the recorded versions against the folder, as a MigrationError. */
export async function verifyApplied(client: ClientBase, migrations: Migration[], dir: string = migrationsDir()): Promise<AppliedMigration[]> {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const applied = await readApplied(client);
  for (const record of applied) {
    const problem = problemOf(record, byVersion.get(record.version), dir);
    if (problem) throw new MigrationError(problem);
  }
  return applied;
}

/**
 * The runner's steps, on a connection that holds the migration lock: every change of the schema or of
 * schema_migrations happens inside Migrator.run().
 */
export class Migrator {
  private constructor(
    private readonly client: ClientBase,
    readonly migrations: Migration[],
    private readonly dir: string,
    private applied: AppliedMigration[],
  ) {}

  /**
   * Takes the migration lock on `client` (a session lock, so each step can have a transaction of its own), makes
   * schema_migrations current (creates it, or adds the checksum column a database migrated before checksums lacks),
   * checks every recorded version against its file, fills in missing checksums, runs `work`, and releases the lock.
   */
  static async run<T>(client: ClientBase, work: (migrator: Migrator) => Promise<T>, dir: string = migrationsDir()): Promise<T> {
    const migrations = await loadMigrations(dir);
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), checksum text)`,
      );
      // Databases migrated before checksums have the table without the column: their checksums are filled in below.
      await client.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
      const applied = await verifyApplied(client, migrations, dir);
      const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
      for (const record of applied.filter((row) => row.checksum === null)) {
        const checksum = byVersion.get(record.version)!.checksum;
        await client.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1 AND checksum IS NULL', [record.version, checksum]);
        record.checksum = checksum;
      }
      return await work(new Migrator(client, migrations, dir, applied));
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  }

  private isApplied(version: string): boolean {
    return this.applied.some((record) => record.version === version);
  }

  pending(): Migration[] {
    return this.migrations.filter((migration) => !this.isApplied(migration.version));
  }

  /** The applied migrations, latest (in file-name order) first. */
  appliedLatestFirst(): Migration[] {
    return this.migrations.filter((migration) => this.isApplied(migration.version)).reverse();
  }

  /** The migration numbered `target`; 0 means before the first. */
  resolve(target: number): Migration | undefined {
    if (target === 0) return undefined;
    const found = this.migrations.filter((migration) => migration.number === target);
    if (found.length === 0) {
      const range = this.migrations.length > 0 ? `${this.migrations[0].number}…${this.migrations.at(-1)!.number}` : 'none';
      throw new MigrationError(`unknown version ${target}: the migrations in ${this.dir} are numbered ${range} (0 = empty)`);
    }
    if (found.length > 1) {
      throw new MigrationError(`version ${target} is ambiguous: ${found.map((migration) => migration.version).join(', ')}; renumber one of them`);
    }
    return found[0];
  }

  /** Applies the pending migrations up to and including `target` (all when undefined), in file-name order. */
  async up(target?: Migration, onStep?: (step: StepResult) => void): Promise<StepResult[]> {
    const steps: StepResult[] = [];
    for (const migration of this.pending()) {
      if (target && migration.version > target.version) break;
      const sql = await readFile(migration.upPath, 'utf8');
      // The file read now must be the one checked: an edit between load and apply would record a wrong checksum.
      if (checksumOf(sql) !== migration.checksum) throw new MigrationError(`migration ${migration.version} changed while it was being applied; run again`);
      const ms = await this.inTransaction(migration.version, 'up', async () => {
        await this.client.query(sql);
        await this.client.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [migration.version, migration.checksum]);
      });
      this.applied.push({ version: migration.version, appliedAt: new Date(), checksum: migration.checksum });
      const step: StepResult = { version: migration.version, direction: 'up', ms };
      steps.push(step);
      onStep?.(step);
    }
    return steps;
  }

  /**
   * Reverts the applied migrations after `target` (down to empty when undefined), latest first, or `count` of them.
   * Every down step on the way is read first: an irreversible or missing one stops before anything is reverted.
   */
  async down(options: { target?: Migration; count?: number }, onStep?: (step: StepResult) => void): Promise<StepResult[]> {
    let path = this.appliedLatestFirst().filter((migration) => !options.target || migration.version > options.target.version);
    if (options.count !== undefined) path = path.slice(0, options.count);
    const plan: { migration: Migration; sql: string }[] = [];
    for (const migration of path) plan.push({ migration, sql: await this.readDown(migration) });
    const steps: StepResult[] = [];
    for (const { migration, sql } of plan) {
      const ms = await this.inTransaction(migration.version, 'down', async () => {
        await this.client.query(sql);
        await this.client.query('DELETE FROM schema_migrations WHERE version = $1', [migration.version]);
      });
      this.applied = this.applied.filter((record) => record.version !== migration.version);
      const step: StepResult = { version: migration.version, direction: 'down', ms };
      steps.push(step);
      onStep?.(step);
    }
    return steps;
  }

  /** Goes up or down to `target` (0 = empty). */
  async to(target: number, onStep?: (step: StepResult) => void): Promise<StepResult[]> {
    const migration = this.resolve(target);
    const steps = await this.down({ target: migration }, onStep);
    if (migration) steps.push(...(await this.up(migration, onStep)));
    return steps;
  }

  private async readDown(migration: Migration): Promise<string> {
    let sql: string;
    try {
      sql = await readFile(migration.downPath, 'utf8');
    } catch {
      throw new MigrationError(`migration ${migration.version} has no down step: ${path.basename(migration.downPath)} is missing in ${this.dir}`);
    }
    const reason = IRREVERSIBLE.exec(sql.split(/\r?\n/, 1)[0].trim());
    if (reason) throw new MigrationError(`migration ${migration.version} is irreversible: ${reason[1] || 'no reason given'}; cannot go down past it`);
    return sql;
  }

  private async inTransaction(version: string, direction: 'up' | 'down', work: () => Promise<void>): Promise<number> {
    const started = performance.now();
    await this.client.query('BEGIN');
    try {
      await work();
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw new MigrationError(`migration ${version} ${direction === 'up' ? 'failed' : 'down step failed'} (rolled back): ${describeError(error)}`);
    }
    return Math.round((performance.now() - started) * 10) / 10;
  }
}

/** The shop's start: checks the applied migrations against their files, then applies the pending ones. */
export async function runMigrations(pool: Pool, dir: string = migrationsDir()): Promise<string[]> {
  const client = await pool.connect();
  try {
    const steps = await Migrator.run(client, (migrator) => migrator.up(), dir);
    return steps.map((step) => step.version);
  } finally {
    client.release();
  }
}
