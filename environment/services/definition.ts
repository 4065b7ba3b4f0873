import type { StartedTestContainer } from 'testcontainers';
import type { ServiceProcess } from '../processes';
import type { EnvironmentRun } from '../run';

/**
 * One piece of infrastructure a run needs (Postgres, Kafka, MailHog, ...), and how each provider
 * gives it. The providers (containers.ts, native/index.ts, external.ts) loop over the registry
 * (registry.ts) and know no service by name.
 *
 * A service is known to the rest of the run only by its variables (`Variable`): the addresses it
 * hands to the workers (DATABASE_URL, ...), some of which also configure the shop. `Port` names the
 * E2E_*_PORT variables its native processes listen on.
 *
 * The registry holds every service as `ServiceDefinition` (any variables and ports); the members
 * below are methods so that one with narrower parameters still fits there.
 */
export interface ServiceDefinition<Variable extends string = string, Port extends string = string> {
  /** Short name: `[env] <name> ready in ...`, its log file, its container. */
  name: string;
  /** Those of its variables the shop is configured with (the workers get them all). */
  shopVariables: readonly Variable[];
  /**
   * True once the service at these addresses answers as the shop and the suite use it. A native start
   * waits for it; a container has its wait strategy; external services get `external.checks` (do they
   * answer at all?), then a wait for it (external.ts).
   */
  isReady(variables: Record<Variable, string>): Promise<boolean>;
  container: ContainerForm<Variable>;
  native: NativeForm<Variable, Port>;
  external: ExternalForm<Variable>;
}

/** E2E_ENV=containers: one container, started with testcontainers. */
export interface ContainerForm<Variable extends string> {
  /** The official image the container is written for (README, "Choosing the environment"). */
  image: string;
  /** The variable that names another image instead (E2E_POSTGRES_IMAGE, ...): a mirror, or a local stand-in. */
  imageVariable: string;
  /**
   * Starts the container from `image` (the provider passes `image` above or its override) with
   * `options.labels`, and returns once its wait strategy says it is ready; the provider registers its removal.
   */
  start(image: string, options: ContainerStartOptions): Promise<StartedServiceContainer<Variable>>;
}

export interface ContainerStartOptions {
  /** The run's labels (run.ts, `containerLabels`): how its stop and its watchdog find what it started. */
  labels: Record<string, string>;
  /**
   * Bind each port the service's variables name to a free host port picked now, instead of one Docker
   * picks: Docker gives an unbound port a new host port when the container restarts, which would
   * change the service's variables under a running shop. Isolated environments ask for it.
   */
  fixedHostPorts?: boolean;
}

export interface StartedServiceContainer<Variable extends string = string> {
  container: StartedTestContainer;
  variables: Record<Variable, string>;
}

/** E2E_ENV=native: local processes on ports of this machine, their binaries cached in E2E_CACHE_DIR. */
export interface NativeForm<Variable extends string, Port extends string> {
  /** The E2E_*_PORT variables that fix its ports (otherwise free ones are picked). */
  ports: readonly Port[];
  /** The variables its processes will answer at on these ports: known before they start, so the shop can start too. */
  addresses(ports: Record<Port, number>): Record<Variable, string>;
  /** Throws an EnvironmentError naming a missing tool, before any service starts. */
  checkPrerequisites?(cache: string): void;
  /**
   * Downloads or builds its binaries into the cache, once (`cli.ts prepare`). Returns what it did
   * for the report line ('downloaded', 'cached', ...), or undefined when there is nothing to report.
   */
  prepare?(cache: string, logDir: string): Promise<string | undefined>;
  /**
   * Starts its processes (registered with `run`) and returns once they are ready, with how to start
   * them again: the state that must outlive a restart (a data folder, a cluster identity) is made
   * once here, outside the process, and registered with `run` for removal.
   */
  start(run: EnvironmentRun, options: { cache: string; ports: Record<Port, number> }): Promise<StartedNativeService<Variable>>;
}

/** A native service as it runs, and how it restarts itself. */
export interface StartedNativeService<Variable extends string = string> {
  variables: Record<Variable, string>;
  /** Its process as started; `relaunch` returns the next one. */
  process: ServiceProcess;
  /**
   * Starts its process again on the same ports and the same state (Postgres its data folder, Kafka
   * its log folder and KRaft identity), once the previous process has exited; resolves when it is
   * ready. What a service keeps across this is said in its module.
   */
  relaunch(): Promise<ServiceProcess>;
}

/** A native service whose every launch is `launch` (spawn, then wait until ready): the common case. */
export async function relaunchable<Variable extends string>(
  variables: Record<Variable, string>,
  launch: () => Promise<ServiceProcess>,
): Promise<StartedNativeService<Variable>> {
  return { variables, process: await launch(), relaunch: launch };
}

/** E2E_ENV=external: nothing is started; the addresses come from the environment (.env). */
export interface ExternalForm<Variable extends string> {
  /** The variables that must be set; when every service's are, `auto` picks external. */
  required: readonly Variable[];
  /** Its variables from `env` (the required ones are set), with defaults for the others. */
  read(env: NodeJS.ProcessEnv): Record<Variable, string>;
  /** Probes that say whether it answers, for one line naming whatever does not. */
  checks(variables: Record<Variable, string>, options: { startsShop: boolean }): ReachabilityCheck[];
}

export interface ReachabilityCheck {
  /** "Postgres at 127.0.0.1:5432 (DATABASE_URL)" */
  what: string;
  answers: Promise<boolean>;
}
