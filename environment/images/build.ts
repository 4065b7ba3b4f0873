/**
 * `npm run env:images`: builds the local stand-ins of the official images the containers provider is
 * written for, from the binaries native mode runs (`npm run env:prepare` caches them; this prepares them
 * too), on a Debian base imported without a registry (debootstrap). For machines whose engine can reach
 * no image registry. Idempotent: an image whose inputs (Dockerfile, scripts, binaries, base) hash to the
 * value in its label is kept as it is.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { EnvironmentError, messageOf } from '../errors';
import { prepareNative } from '../native';
import { kafkaHome } from '../native/kafka';
import { mailhogBinary } from '../native/mailhog';
import { postgresNativeDir } from '../native/postgres';
import { requireRedis } from '../native/requirements';
import { cacheDir, cliLogDir, displayPath } from '../paths';
import { startAllSettled, seconds } from '../timing';
import { findOnPath, runTool } from '../tools';

/** The base every stand-in is built FROM: Debian 12, made with debootstrap and `docker import`. */
const BASE_IMAGE = 'event-shop-e2e/debian:bookworm';
const DEBIAN_SUITE = 'bookworm';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const INPUTS_LABEL = 'org.event-shop-e2e.inputs';

interface StandIn {
  /** The service it stands in for, and the variable that selects it. */
  service: string;
  variable: string;
  official: string;
  tag: string;
  /** Its folder here: Dockerfile and scripts. */
  dir: string;
  /** What the build copies in beside them: a path in the build context, and where it comes from. */
  inputs(cache: string): Array<{ target: string; source: string }>;
}

const STAND_INS: readonly StandIn[] = [
  {
    service: 'postgres',
    variable: 'E2E_POSTGRES_IMAGE',
    official: 'postgres:17-alpine',
    tag: 'event-shop-e2e/postgres:17',
    dir: 'postgres',
    inputs: () => [{ target: 'native', source: postgresNativeDir() }],
  },
  {
    service: 'kafka',
    variable: 'E2E_KAFKA_IMAGE',
    official: 'apache/kafka:3.9.1',
    tag: 'event-shop-e2e/kafka:3.9.1',
    dir: 'kafka',
    inputs: (cache) => [
      { target: 'libs', source: path.join(kafkaHome(cache), 'libs') },
      { target: 'log4j.properties', source: path.join(kafkaHome(cache), 'log4j.properties') },
    ],
  },
  {
    service: 'redis',
    variable: 'E2E_REDIS_IMAGE',
    official: 'redis:7',
    tag: 'event-shop-e2e/redis:7',
    dir: 'redis',
    inputs: () => redisInputs(),
  },
  {
    service: 'mailhog',
    variable: 'E2E_MAILHOG_IMAGE',
    official: 'mailhog/mailhog:v1.0.1',
    tag: 'event-shop-e2e/mailhog:v1.0.1',
    dir: 'mailhog',
    inputs: (cache) => [{ target: 'MailHog', source: mailhogBinary(cache) }],
  },
];

/** The C library and the loader come with the base; every other library redis-server links is copied beside it. */
const BASE_LIBRARIES = /^(linux-vdso|libc\.so|libm\.so|ld-linux|libpthread|libdl\.so|librt\.so)/;

/** Debian's redis-server (the one native mode runs) and the shared libraries it links, by `ldd`. */
function redisInputs(): Array<{ target: string; source: string }> {
  const binary = requireRedis();
  const linked = execFileSync('ldd', [binary], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\S+) => (\/\S+)/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && !BASE_LIBRARIES.test(match[1]));
  return [
    { target: 'redis-server', source: realpathSync(binary) },
    ...linked.map(([, name, file]) => ({ target: `lib/${name}`, source: realpathSync(file) })),
  ];
}

/** Hashes a file or a folder (names, link targets and contents, in a stable order) into `hash`. */
function hashTree(hash: ReturnType<typeof createHash>, file: string, name: string): void {
  const stat = lstatSync(file);
  if (stat.isSymbolicLink()) {
    hash.update(`link ${name} ${readlinkSync(file)}\n`);
  } else if (stat.isDirectory()) {
    hash.update(`dir ${name}\n`);
    for (const entry of readdirSync(file).sort()) hashTree(hash, path.join(file, entry), `${name}/${entry}`);
  } else {
    hash.update(`file ${name} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\n`);
    hash.update(readFileSync(file));
  }
}

async function docker(args: string[], logFile: string): Promise<string> {
  const result = await runTool('docker', args, { logFile });
  if (result.code !== 0) throw new EnvironmentError(`\`docker ${args[0]}\` failed; see ${displayPath(logFile)}`, { details: result.output.trim().split('\n').slice(-5).join('\n') });
  return result.output.trim();
}

/** The value of an image's label, or undefined when the image is not there. */
async function imageLabel(image: string, label: string, logFile: string): Promise<string | undefined> {
  const result = await runTool('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, image], { logFile });
  return result.code === 0 ? result.output.trim() : undefined;
}

/** The Debian base: imported once from a debootstrap folder (root only), then reused. */
async function ensureBase(logDir: string): Promise<{ id: string; made: boolean }> {
  const logFile = path.join(logDir, 'base.log');
  const existing = await runTool('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE], { logFile });
  if (existing.code === 0) return { id: existing.output.trim(), made: false };
  if (!findOnPath('debootstrap', { PATH: `${process.env.PATH}:/usr/sbin:/sbin` })) {
    throw new EnvironmentError(`Building ${BASE_IMAGE} needs debootstrap: \`apt-get install debootstrap\` (as root), or \`docker tag\` a Debian ${DEBIAN_SUITE} image you have as ${BASE_IMAGE}.`);
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'e2e-debootstrap-'));
  try {
    const strap = await runTool('debootstrap', ['--variant=minbase', DEBIAN_SUITE, root, DEBIAN_MIRROR], { logFile, env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
    if (strap.code !== 0) throw new EnvironmentError(`debootstrap could not make a Debian ${DEBIAN_SUITE} base (it needs root and ${DEBIAN_MIRROR}); see ${displayPath(logFile)}`);
    const importLog = path.join(logDir, 'base-import.log');
    // `docker import` reads the folder as a tar stream on its stdin.
    const imported = await runTool('sh', ['-c', 'tar -C "$1" -c . | docker import - "$2"', 'import', root, BASE_IMAGE], { logFile: importLog });
    if (imported.code !== 0) throw new EnvironmentError(`\`docker import\` of the Debian base failed; see ${displayPath(importLog)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { id: await docker(['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE], logFile), made: true };
}

/** Builds one stand-in unless the image with its tag was built from the same inputs. */
async function buildStandIn(standIn: StandIn, base: string, cache: string, logDir: string): Promise<string> {
  const began = performance.now();
  const logFile = path.join(logDir, `${standIn.service}.log`);
  const recipe = path.join(__dirname, standIn.dir);
  const inputs = standIn.inputs(cache);
  const hash = createHash('sha256').update(`base ${base}\n`);
  hashTree(hash, recipe, '.');
  for (const input of inputs) hashTree(hash, input.source, input.target);
  const digest = hash.digest('hex').slice(0, 32);
  if ((await imageLabel(standIn.tag, INPUTS_LABEL, logFile)) === digest) return `${standIn.tag} (for ${standIn.official}) up to date`;
  const context = mkdtempSync(path.join(os.tmpdir(), `e2e-image-${standIn.service}-`));
  try {
    cpSync(recipe, context, { recursive: true });
    for (const input of inputs) cpSync(input.source, path.join(context, input.target), { recursive: true, verbatimSymlinks: true });
    await docker(['build', '--quiet', '--build-arg', `BASE=${BASE_IMAGE}`, '--label', `${INPUTS_LABEL}=${digest}`, '--tag', standIn.tag, context], logFile);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return `${standIn.tag} (for ${standIn.official}) built in ${seconds(performance.now() - began)}`;
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const began = performance.now();
  if (!findOnPath('docker')) throw new EnvironmentError('npm run env:images needs the `docker` command and an engine: install Docker (Debian: `apt-get install docker.io`, then start dockerd).');
  const logDir = cliLogDir('images');
  mkdirSync(logDir, { recursive: true });
  const info = await runTool('docker', ['info', '--format', '{{.ServerVersion}}'], { logFile: path.join(logDir, 'engine.log') });
  if (info.code !== 0) throw new EnvironmentError(`No Docker engine answered \`docker info\`: start one (Debian: \`dockerd &\` as root, or scripts/docker-engine.sh); see ${displayPath(path.join(logDir, 'engine.log'))}`);
  const cache = cacheDir();
  // The binaries first (downloaded or built once), alongside the base.
  const [prepared, base] = await startAllSettled([() => prepareNative({ logDir }), () => ensureBase(logDir)] as const);
  console.log(`[env] binaries: ${prepared || 'ready'}; base ${BASE_IMAGE} ${base.made ? 'imported' : 'present'}`);
  const outcomes = await startAllSettled(STAND_INS.map((standIn) => () => buildStandIn(standIn, base.id, cache, logDir)));
  console.log(`[env] images: ${outcomes.join(', ')} (${seconds(performance.now() - began)}; logs in ${displayPath(logDir)})`);
  console.log('[env] to run the containers provider on them, set (.env or the shell):');
  for (const standIn of STAND_INS) console.log(`${standIn.variable}=${standIn.tag}`);
}

main().catch((error: unknown) => {
  console.error(`[env] ${error instanceof EnvironmentError ? error.message : `unexpected failure: ${messageOf(error)}`}`);
  if (error instanceof EnvironmentError && error.details) console.error(error.details.replace(/^/gm, '      '));
  else if (!(error instanceof EnvironmentError)) console.error(error);
  process.exit(1);
});
