import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { EventPublishing } from './bus/event-publishing.js';
import { developmentKeyFileName, operatorKeysFromEnvironment, type OperatorKeys } from './api/operator/operator-keys.js';
import { ProviderRegistry, providersFromEnvironment } from './api/provider/provider-registry.js';
import { RateLimits } from './api/rate-limits.js';
import type { ServiceConfig } from './config.js';
import { createCroupier, openStore, type Croupier } from './croupier.js';
import type { CommitSubscriber } from './engine/committed-batch.js';
import { BetStream } from './stream/bet-stream.js';
import { busFeed, type RemoteFeed } from './push/bus-feed.js';
import { developmentTokenSecretFileName, PlayerTokens, tokenSecretFromEnvironment } from './push/player-tokens.js';
import { WebhookService } from './webhooks/webhook-service.js';

export interface Service {
  readonly app: FastifyInstance;
  readonly croupier: Croupier;
  /** The event bus and its relay: readiness and lag figures (docs/events.md). */
  readonly events: EventPublishing;
  /** The development operator key when none was configured (kept in the data folder). */
  readonly generatedOperatorKey: string | null;
  /** Stops taking requests, drains the engine, closes the store. */
  stop(): Promise<void>;
}

const providerRefreshMs = 5_000;

/** Wires the whole service: engine and store, provider registry, rate limits, HTTP app. */
export async function startService(config: ServiceConfig, logger: Logger = createLogger(config.logLevel)): Promise<Service> {
  const keys = operatorKeysFromEnvironment(config.operatorKeys, config.nodeEnv, developmentKeyFile(config));
  const tokenSecret = tokenSecretFromEnvironment(config.playerTokenSecret, config.nodeEnv, developmentKeyFile(config, developmentTokenSecretFileName));
  const fromEnvironment = providersFromEnvironment(config.providers);
  // The relay subscribes before the first command and starts once the store is migrated (docs/events.md).
  const events = EventPublishing.open(config.bus);
  const sql = config.croupier.client ?? (await openStore(config.croupier));
  const croupier = await createCroupier({
    ...config.croupier,
    client: sql,
    subscribers: [failureLog(logger), events.relay],
  });
  await events.start(croupier, sql);
  const providers = new ProviderRegistry(fromEnvironment, croupier.providers);
  await providers.start(providerRefreshMs);
  // Bet-stream ingestion (docs/stream.md); it connects in the background, so start-up never waits for NATS.
  const betStream = config.betStream?.natsUrl === undefined ? null : BetStream.start({ url: config.betStream.natsUrl, settings: config.betStream.settings, croupier, findProvider: (id) => providers.find(id), log: logger });
  const webhooks = await WebhookService.start(croupier, { warn: (fields, message) => logger.warn(fields, message) });
  const rateLimits = RateLimits.create(config.rateLimits);
  const app = await buildApp({ croupier, providers, rateLimits, operatorKeys: keys.keys, logger, busReadiness: () => events.readiness(), push: { tokens: new PlayerTokens(tokenSecret.secret), remote: remoteEvents(events) } });
  await app.listen({ port: config.port, host: listenHost(config.host, keys) });
  if (keys.generated !== null) {
    logger.warn(
      { operatorKey: keys.generated, file: keys.generatedFile },
      'CROUPIER_OPERATOR_KEYS is not set: using this development operator key, kept in the data folder for the next runs; listening on 127.0.0.1 unless HOST says otherwise. Set CROUPIER_OPERATOR_KEYS before production.',
    );
  }
  if (tokenSecret.generated) logger.warn({ file: tokenSecret.generatedFile }, 'CROUPIER_PLAYER_TOKEN_SECRET is not set: player tokens are signed with a development secret, kept in the data folder. Set it (the same on every node) before production.');
  logger.info({ store: croupier.store, partitions: croupier.settings.partitionCount, providers: providers.list().length, bus: events.bus.kind }, 'croupier started');
  let stopping: Promise<void> | null = null;
  return {
    app,
    croupier,
    events,
    generatedOperatorKey: keys.generated,
    stop() {
      stopping ??= (async () => {
        await app.close();
        // The commands in hand finish (outcome published, acked) before the engine drains.
        await betStream?.stop();
        providers.stop();
        await webhooks.stop();
        await events.stop();
        await croupier.close();
        await events.close();
        await rateLimits.close();
      })();
      return stopping;
    },
  };
}

/**
 * Events other nodes commit, for this node's sockets: over NATS, where every node's relay
 * publishes. The in-process bus only carries this node's own events, which the push hub already
 * has from its commits.
 */
function remoteEvents(events: EventPublishing): RemoteFeed | undefined {
  return events.bus.kind === 'nats' ? busFeed(events.bus) : undefined;
}

/** Logs what the engine could not commit: failed batches, and commands whose application threw (with their player). */
function failureLog(logger: Logger): CommitSubscriber {
  return {
    name: 'failure-log',
    failed: ({ partition, commandCount, error }) => logger.error({ partition, commands: commandCount, err: error }, 'batch not committed'),
    faulted: ({ partition, playerId, commandKind, error }) =>
      logger.error({ partition, player: playerId, command: commandKind, err: error }, 'command failed inside Croupier: refused INTERNAL_ERROR, the rest of its batch committed'),
  };
}

/** A development credential's file (the operator key, the player token secret): in the data folder (CROUPIER_DATA_DIR), whichever store runs; none when the store is in memory. */
function developmentKeyFile(config: ServiceConfig, fileName = developmentKeyFileName): string | undefined {
  const dataDir = config.croupier.dataDir;
  return typeof dataDir === 'string' ? join(dataDir, fileName) : undefined;
}

/**
 * HOST when set; otherwise all interfaces with configured keys (a deployment, often a container
 * that must be reached from outside), and only this machine with the development key: a
 * development run is not meant to be reached from the network, and its key is one nobody chose.
 */
export function listenHost(host: string | undefined, keys: OperatorKeys): string {
  if (host !== undefined) return host;
  return keys.generated === null ? '0.0.0.0' : '127.0.0.1';
}

/** Never in logs: operator keys, provider signatures, and provider secrets in registration bodies. */
export const redactedPaths = ['req.headers.authorization', 'req.headers["x-signature"]', 'secret', '*.secret'];

/**
 * JSON lines on stdout, buffered: at info level there is a line per request, and one write(2)
 * per line was the largest syscall cost after the responses themselves. Lines go out once 4 KiB
 * have gathered or every 250 ms, whichever comes first, and pino flushes the rest when the
 * process exits; a SIGKILL can lose the last quarter second of log lines, never a ledger entry.
 */
export function createLogger(level: string, fd = 1): Logger {
  return pino({ name: 'croupier', level, redact: redactedPaths }, pino.destination({ dest: fd, sync: false, minLength: 4096, periodicFlush: logFlushMs }));
}

const logFlushMs = 250;
