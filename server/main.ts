import { loadConfig } from './config';
import { createLogger } from './log';
import { startServer } from './start';

const config = loadConfig();
const log = createLogger(config.logLevel);

try {
  const server = await startServer(config, log);
  log.info('listening', { url: server.url, port: server.port, data_dir: config.dataDir });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    server.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', { error: (error as Error)?.stack ?? String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A promise nobody awaited must not take every room down with it: log it as the bug it is.
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error: (error as Error)?.stack ?? String(error) }));
} catch (error) {
  // Bad configuration, a missing build, a database newer than the code: say so in one line and stop.
  log.error('cannot start', { error: (error as Error)?.message ?? String(error) });
  process.exit(1);
}
