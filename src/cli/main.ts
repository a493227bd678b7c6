import { ConfigError, loadConfig } from '../config/load-config.js';
import { runStart } from './start.js';
import { runWorker } from './worker.js';

const USAGE = `Usage: aimicromind <command>

Commands:
  start    start the HTTP server (MODE=main runs flows in it; MODE=queue enqueues them)
  worker   start a queue worker (MODE=queue)

Configuration comes from the environment and a .env file in the working directory.`;

/** The only place that exits the process on a start-up failure. */
async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === '--version' || command === '-v') {
    const { packageVersion } = await import('../shared/package-info.js');
    console.log(packageVersion());
    return;
  }
  if (command !== 'start' && command !== 'worker') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    if (command === 'start') await runStart(config);
    else await runWorker(config);
  } catch (error) {
    console.error(`aimicromind ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

await main(process.argv.slice(2));
