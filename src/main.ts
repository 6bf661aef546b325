import { pino } from 'pino';
import { buildServer } from './api/health-server.js';
import { configFromEnvironment } from './config.js';
import { createCroupier } from './croupier.js';

const logger = pino({ name: 'croupier' });
const config = configFromEnvironment(process.env);
const croupier = await createCroupier({
  ...config.croupier,
  onError: (partition, error) => logger.error({ partition, err: error }, 'batch not committed'),
});
const app = buildServer(croupier, logger);
await app.listen({ port: config.port, host: config.host });
logger.info({ store: croupier.sql.dialect, partitions: croupier.settings.partitionCount }, 'croupier started');

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'draining');
  await app.close();
  await croupier.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
