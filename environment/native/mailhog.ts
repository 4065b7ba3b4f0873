import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../errors';
import { displayPath } from '../paths';
import { spawnService, type ServiceProcess } from '../processes';
import type { EnvironmentRun } from '../run';
import { seconds } from '../timing';
import { runTool } from '../tools';
import { fillCacheEntry } from './cache';
import { requireGo } from './requirements';

export const MAILHOG_VERSION = 'v1.0.1';

/**
 * MailHog v1.0.1's go.mod lists no requirements, so `go install github.com/mailhog/MailHog@v1.0.1`
 * resolves every dependency to its newest version (or, behind a caching proxy, to nothing). This
 * module pins the versions MailHog was released against; building it is reproducible.
 */
const BUILD_MODULE = `module e2e.local/mailhog-build

go 1.21

require (
	github.com/mailhog/MailHog ${MAILHOG_VERSION}
	github.com/mailhog/MailHog-Server v1.0.1
	github.com/mailhog/MailHog-UI v1.0.1
	github.com/mailhog/data v1.0.1
	github.com/mailhog/http v1.0.1
	github.com/mailhog/mhsendmail v0.2.0
	github.com/mailhog/smtp v1.0.1
	github.com/mailhog/storage v1.0.1
	github.com/gorilla/context v1.1.1
	github.com/gorilla/mux v1.8.0
	github.com/gorilla/pat v1.0.1
	github.com/gorilla/websocket v1.5.0
	github.com/ian-kent/envconf v0.0.0-20141026121121-c19809918c02
	github.com/ian-kent/go-log v0.0.0-20160113211217-5731446c36ab
	github.com/ian-kent/goose v0.0.0-20141221090059-c3541ea826ad
	github.com/ian-kent/linkio v0.0.0-20170807205755-97566b872887
	github.com/ogier/pflag v0.0.1
	github.com/philhofer/fwd v1.1.1
	github.com/t-k/fluent-logger-golang v1.0.0
	github.com/tinylib/msgp v1.1.6
	golang.org/x/crypto v0.0.0-20220525230936-793ad666bf5e
	gopkg.in/mgo.v2 v2.0.0-20190816093944-a6b53ec6cb22
)
`;

const NETWORK_FAILURE = /dial tcp|no such host|i\/o timeout|connection refused|proxyconnect|TLS handshake timeout|403 Forbidden|404 Not Found|410 Gone|server response/i;

/** <cache>/mailhog/<version>: go.mod, go.sum, the MailHog binary and the .complete marker. */
export function mailhogHome(cache: string): string {
  return path.join(cache, 'mailhog', MAILHOG_VERSION);
}

export function mailhogBinary(cache: string): string {
  return path.join(mailhogHome(cache), 'MailHog');
}

export function isMailhogBuilt(cache: string): boolean {
  return existsSync(path.join(mailhogHome(cache), '.complete')) && existsSync(mailhogBinary(cache));
}

/**
 * Builds MailHog with the Go toolchain into the cache, once. Go's module cache lives in the cache too
 * (<cache>/go/mod), kept writable (-modcacherw) so deleting the cache folder just works.
 */
export async function ensureMailhog(cache: string, logDir: string): Promise<{ binary: string; built: boolean }> {
  const home = mailhogHome(cache);
  if (isMailhogBuilt(cache)) return { binary: mailhogBinary(cache), built: false };
  const go = requireGo();
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'mailhog-build.log');
  const began = performance.now();
  const buildCache = path.join(cache, 'go', 'build');
  await fillCacheEntry(home, async (staging) => {
    writeFileSync(path.join(staging, 'go.mod'), BUILD_MODULE);
    const result = await runTool(go, ['build', '-mod=mod', '-trimpath', '-o', path.join(staging, 'MailHog'), 'github.com/mailhog/MailHog'], {
      cwd: staging,
      logFile,
      env: {
        GOMODCACHE: path.join(cache, 'go', 'mod'),
        GOCACHE: buildCache,
        GOFLAGS: '-modcacherw',
        // Build with the Go that is installed, never download another toolchain; no C compiler needed.
        GOTOOLCHAIN: 'local',
        CGO_ENABLED: '0',
      },
    });
    // The compiled objects (100+ MB) serve no later run; the downloaded modules are kept for a retry.
    rmSync(buildCache, { recursive: true, force: true });
    if (result.code !== 0) throw mailhogBuildError(result.output, logFile);
    writeFileSync(path.join(staging, '.complete'), JSON.stringify({ mailhog: MAILHOG_VERSION, builtAt: new Date().toISOString() }));
  });
  console.log(`[env] mailhog ${MAILHOG_VERSION} built into ${displayPath(home)} in ${seconds(performance.now() - began)}`);
  return { binary: mailhogBinary(cache), built: true };
}

function mailhogBuildError(output: string, logFile: string): EnvironmentError {
  if (NETWORK_FAILURE.test(output)) {
    const proxy = process.env.GOPROXY || 'https://proxy.golang.org';
    return new EnvironmentError(
      `The Go module proxy (${proxy}) is out of reach or lacks a MailHog dependency, so MailHog cannot be built: check the network or GOPROXY, or run \`npx tsx environment/cli.ts prepare\` once online; see ${displayPath(logFile)}`,
    );
  }
  return new EnvironmentError(`Go could not build MailHog ${MAILHOG_VERSION}; see ${displayPath(logFile)}`);
}

/** Spawns MailHog with its SMTP side and its HTTP API/UI (one port) on 127.0.0.1. The caller waits until it answers. */
export async function spawnNativeMailhog(run: EnvironmentRun, options: { cache: string; smtpPort: number; httpPort: number }): Promise<ServiceProcess> {
  const { binary } = await ensureMailhog(options.cache, run.logDir);
  const http = `127.0.0.1:${options.httpPort}`;
  return spawnService(run, {
    name: 'mailhog',
    command: binary,
    args: ['-api-bind-addr', http, '-ui-bind-addr', http, '-smtp-bind-addr', `127.0.0.1:${options.smtpPort}`],
  });
}
