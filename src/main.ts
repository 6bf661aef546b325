import { configFromEnvironment } from './config.js';
import { createLogger, startService, type Service } from './service.js';

const config = configFromEnvironment(process.env);
const logger = createLogger(config.logLevel);

let service: Service | undefined;
try {
  service = await startService(config, logger);
} catch (error) {
  // The reason in the message itself: "data folder ./data is in use by process 4242" is the line a newcomer reads.
  logger.fatal({ err: error }, `croupier did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping || service === undefined) return;
  stopping = true;
  logger.info({ signal }, 'draining');
  await service.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
