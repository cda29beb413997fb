// Start-up and shutdown: configuration and catalog → store (migrations) → master key → clock → root
// account → operations → gateway → listening → background jobs → announcement. `startServer` is what
// `openeas serve` and the tests run.
// What can be refused without the data directory (settings, the catalog file) is checked before
// anything is written. The root secret counts as shown only after the announcement, on a start that
// is listening: a start that fails later (a busy port…) leaves it to be shown by the next one.
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config, type ConfigOverrides } from './config.ts';
import { openStore } from './store/database.ts';
import { Clock } from './engine/clock.ts';
import { ephemeralMasterKey, loadMasterKey, openSecretBox } from './ram/secret-box.ts';
import { ensureRootAccount, rootSecretShown, type AccountCredentials } from './ram/accounts.ts';
import { RamAuthorizer, rootOnlyAuthorizer } from './ram/authorizer.ts';
import { identityResolver } from './ram/identity.ts';
import { registerRamOperations } from './ram/api/index.ts';
import { ramAdminRoutes } from './ram/admin-routes.ts';
import { apiError } from './gateway/errors.ts';
import { buildGateway } from './gateway/pipeline.ts';
import { OperationRegistry } from './gateway/registry.ts';
import { sweepNonces } from './gateway/authenticate.ts';
import { adminPlugin, coreAdminRoutes } from './admin/routes.ts';
import { registerEasOperations } from './eas/operations.ts';
import { Catalog } from './eas/catalog.ts';
import { Scheduler } from './engine/scheduler.ts';
import { LatencyFaults } from './engine/faults.ts';
import { InstanceViews } from './eas/instance-views.ts';
import { registerMachineJobs } from './engine/machine-jobs.ts';
import { registerSubfeatureJobs } from './eas/handlers/subfeatures.ts';
import { registerServiceJobs } from './scheduling/services.ts';
import { engineAdminRoutes } from './admin/engine-routes.ts';
import { stateAdminPlugin } from './admin/state-routes.ts';
import { noHooks } from './hooks.ts';
import { PriceList } from './billing/prices.ts';
import { billingAdminRoutes, billingHooks, registerBillingJobs, registerBssOperations } from './billing/index.ts';
import { AuditTrail, registerAuditOperations } from './audit/index.ts';
import { consolePlugin } from './console/routes.ts';
import { webRoot } from './console/static-files.ts';
import type { Services } from './services.ts';
import { VERSION } from './version.ts';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  config: Config;
  /** e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** Root credentials; the secret until a start has shown it (announced, or returned to its caller). */
  root: AccountCredentials & { created: boolean };
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Where log lines go (default stdout). */
  logStream?: DestinationStream;
  /**
   * Shows the running server to its user (the CLI prints the endpoint and the root secret). Called
   * once listening; the root secret counts as shown when it returns. Without it, returning the
   * running server to the caller shows it.
   */
  announce?: (server: RunningServer) => Promise<void> | void;
}

function loadCatalog(file: string | undefined): Catalog {
  try {
    return Catalog.load(file);
  } catch (e) {
    throw new Error(`the machine-type catalog cannot be used: ${(e as Error).message}`);
  }
}

export async function startServer(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const config = loadConfig(overrides, env);
  const catalog = loadCatalog(config.catalogFile);
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    ephemeral: config.ephemeral,
    statementTimeoutMs: config.pgStatementTimeoutMs,
    namedStatements: config.pgNamedStatements,
    walLimitMb: config.sqliteWalLimitMb,
  });
  const background: NodeJS.Timeout[] = [];
  let running: RunningServer;
  try {
    const masterKey = config.ephemeral ? ephemeralMasterKey(config.masterKey) : loadMasterKey(config.dataDir, config.masterKey);
    const secrets = await openSecretBox(store, masterKey);
    const clock = new Clock(store);
    await clock.refresh();
    const root = await ensureRootAccount(
      store,
      secrets,
      {
        accountId: config.accountId,
        accessKeyId: config.rootAccessKeyId,
        accessKeySecret: config.rootAccessKeySecret,
      },
      clock.now(),
    );

    const scheduler = new Scheduler(store, clock, { maxAttempts: config.jobMaxAttempts, retrySeconds: config.jobRetrySeconds });
    const latencyFaults = new LatencyFaults(store);
    await latencyFaults.refresh();
    // Every authenticated API call is an ActionTrail event (docs/audit-trail.md).
    const audit = new AuditTrail({ store, clock, config });
    const services: Services = {
      config,
      store,
      clock,
      secrets,
      authorizer: rootOnlyAuthorizer,
      resolveIdentity: async () => {
        throw apiError('InvalidAccessKeyId.NotFound');
      },
      rootAccountId: root.accountId,
      version: VERSION,
      catalog,
      scheduler,
      latencyFaults,
      instanceViews: new InstanceViews(),
      hooks: noHooks,
      prices: new PriceList(),
      audit,
    };
    // RAM: users, roles and sessions behind non-root keys; every call judged by its policies (docs/ram.md).
    services.resolveIdentity = identityResolver(services);
    services.authorizer = new RamAuthorizer(services);
    // Billing pays for orders; metering is recorded by the lifecycle itself (docs/billing.md).
    services.hooks = billingHooks(services);
    registerMachineJobs(scheduler, services.hooks);
    registerSubfeatureJobs(scheduler);
    registerServiceJobs(scheduler, config);
    registerBillingJobs(scheduler, services);

    const registry = new OperationRegistry();
    registerEasOperations(registry);
    registerBssOperations(registry);
    registerRamOperations(registry);
    registerAuditOperations(registry, audit);

    const app = await buildGateway({
      services,
      registry,
      logStream: options.logStream,
      plugins: [
        adminPlugin(services, [...coreAdminRoutes, ...engineAdminRoutes, ...billingAdminRoutes, ...ramAdminRoutes]),
        stateAdminPlugin(services),
        // The web console (docs/console.md): its front end and its API, which calls through this gateway.
        consolePlugin(services, registry),
      ],
      browserHome: webRoot() ? '/console/' : undefined,
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (e) {
      await app.close(); // its timers (load shedding, idle connections) must not keep the process alive
      throw e;
    }
    audit.logTo(app.log);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;

    const sweep = setInterval(() => {
      sweepNonces(services).catch((e) => app.log.warn({ err: e }, 'nonce sweep failed'));
    }, 60_000);
    sweep.unref();
    background.push(sweep);

    // Work that fell due while the server was down runs now; then the poll keeps up. A failure here
    // is the poll's to retry, as any other: refusing to start over it would make one stuck batch a
    // server that cannot start (every restart meets the same work). And the port is bound by now.
    await scheduler.catchUp().catch((e: unknown) => app.log.error({ err: e }, 'catching up on due work failed; the poll retries it'));
    scheduler.start(
      config.schedulerIntervalMs,
      (e) => app.log.error({ err: e }, 'scheduled work failed'),
      (e) => app.log.warn({ err: e }, 'scheduled work failed; retrying later'),
    );
    const faultRefresh = setInterval(() => {
      latencyFaults.refresh().catch((e) => app.log.warn({ err: e }, 'fault refresh failed'));
    }, 1000);
    faultRefresh.unref();
    background.push(faultRefresh);

    let closed = false;
    running = {
      app,
      services,
      config,
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      port,
      root,
      async close() {
        if (closed) return;
        closed = true;
        for (const t of background) clearInterval(t);
        await app.close(); // stops accepting, lets in-flight requests finish
        await audit.close(); // writes the events still in memory
        await scheduler.stop();
        await store.close();
      },
    };
  } catch (e) {
    for (const t of background) clearInterval(t);
    await store.close();
    throw e;
  }
  try {
    await options.announce?.(running);
    if (running.root.accessKeySecret) await rootSecretShown(store);
  } catch (e) {
    await running.close();
    throw e;
  }
  return running;
}
