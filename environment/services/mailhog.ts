import { GenericContainer, Wait } from 'testcontainers';
import { EnvironmentError } from '../errors';
import { ensureMailhog, isMailhogBuilt, spawnNativeMailhog } from '../native/mailhog';
import { requireGo } from '../native/requirements';
import { freePort } from '../ports';
import { waitUntilReady } from '../processes';
import { httpAnswersOk, tcpAnswers } from '../readiness';
import { relaunchable, type ServiceDefinition } from './definition';

/** MailHog's ports in its image; also the defaults of an external MailHog. */
const MAILHOG_SMTP_PORT = 1025;
const MAILHOG_HTTP_PORT = 8025;
const NATIVE_START_TIMEOUT_MS = 30_000;

/** MAILHOG_URL is its HTTP API (mail capture); SMTP_HOST and SMTP_PORT are where the shop sends mail. */
type Variable = 'MAILHOG_URL' | 'SMTP_HOST' | 'SMTP_PORT';

/** Ready when its HTTP API lists the messages. */
function isReady({ MAILHOG_URL }: Record<Variable, string>): Promise<boolean> {
  return httpAnswersOk(`${MAILHOG_URL}/api/v2/messages`);
}

function hostOf(url: string, variable: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new EnvironmentError(`${variable}=${url} is not a URL (expected e.g. http://127.0.0.1:8025).`);
  }
}

/**
 * MailHog v1.0.1: an SMTP server that keeps every mail, and an HTTP API to read them. It keeps them in
 * memory (its default, as in its image): a restarted MailHog is back on the same ports with an empty
 * inbox. Its maildir storage would keep them, but answers searches without their arrival time.
 */
export const mailhog: ServiceDefinition<Variable, 'E2E_SMTP_PORT' | 'E2E_MAILHOG_PORT'> = {
  name: 'mailhog',
  shopVariables: ['SMTP_HOST', 'SMTP_PORT'],
  isReady,

  container: {
    image: 'mailhog/mailhog:v1.0.1',
    imageVariable: 'E2E_MAILHOG_IMAGE',
    async start(image, options) {
      const ports = options.fixedHostPorts
        ? [
            { container: MAILHOG_SMTP_PORT, host: await freePort() },
            { container: MAILHOG_HTTP_PORT, host: await freePort() },
          ]
        : [MAILHOG_SMTP_PORT, MAILHOG_HTTP_PORT];
      const container = await new GenericContainer(image)
        .withExposedPorts(...ports)
        .withLabels(options.labels)
        .withWaitStrategy(Wait.forHttp('/api/v2/messages', MAILHOG_HTTP_PORT).forStatusCode(200))
        .start();
      const host = container.getHost();
      return {
        container,
        variables: {
          MAILHOG_URL: `http://${host}:${container.getMappedPort(MAILHOG_HTTP_PORT)}`,
          SMTP_HOST: host,
          SMTP_PORT: String(container.getMappedPort(MAILHOG_SMTP_PORT)),
        },
      };
    },
  },

  native: {
    ports: ['E2E_SMTP_PORT', 'E2E_MAILHOG_PORT'],
    checkPrerequisites(cache) {
      if (!isMailhogBuilt(cache)) requireGo();
    },
    async prepare(cache, logDir) {
      const { built } = await ensureMailhog(cache, logDir);
      return built ? 'built' : 'cached';
    },
    addresses: (ports) => ({ MAILHOG_URL: `http://127.0.0.1:${ports.E2E_MAILHOG_PORT}`, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(ports.E2E_SMTP_PORT) }),
    async start(run, { cache, ports }) {
      const variables = mailhog.native.addresses(ports);
      return relaunchable(variables, async () => {
        const server = await spawnNativeMailhog(run, { cache, smtpPort: ports.E2E_SMTP_PORT, httpPort: ports.E2E_MAILHOG_PORT });
        await waitUntilReady(server, () => isReady(variables), {
          readyMeans: `answer GET ${variables.MAILHOG_URL}/api/v2/messages`,
          timeoutMs: NATIVE_START_TIMEOUT_MS,
          intervalMs: 100,
        });
        return server;
      });
    },
  },

  external: {
    required: ['MAILHOG_URL'],
    read(env) {
      const mailhogUrl = (env.MAILHOG_URL as string).replace(/\/+$/, '');
      const smtpPort = Number(env.SMTP_PORT || MAILHOG_SMTP_PORT);
      if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535) throw new EnvironmentError(`SMTP_PORT=${env.SMTP_PORT} is not a port number.`);
      return {
        MAILHOG_URL: mailhogUrl,
        // MailHog's SMTP side is usually on the same host as its API.
        SMTP_HOST: env.SMTP_HOST || hostOf(mailhogUrl, 'MAILHOG_URL'),
        SMTP_PORT: String(smtpPort),
      };
    },
    checks(variables, { startsShop }) {
      const checks = [{ what: `MailHog at ${variables.MAILHOG_URL} (MAILHOG_URL)`, answers: isReady(variables).catch(() => false) }];
      // Only the shop sends mail: a shop we do not start brings its own SMTP settings.
      if (startsShop) {
        const { SMTP_HOST, SMTP_PORT } = variables;
        checks.push({ what: `MailHog SMTP at ${SMTP_HOST}:${SMTP_PORT} (SMTP_HOST, SMTP_PORT)`, answers: tcpAnswers(SMTP_HOST, Number(SMTP_PORT)) });
      }
      return checks;
    },
  },
};
