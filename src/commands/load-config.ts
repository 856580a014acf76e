import { type Config, ConfigError, loadConfigFile } from '../config/load.ts';

/** The parseArgs options of every command that reads the configuration file. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', default: 'config.yaml' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * The configuration in `file`, or undefined after writing why it is not valid to stderr (the command then exits with
 * its own usage code). Errors other than an invalid configuration propagate.
 */
export function loadConfigOrReport(file: string): Config | undefined {
  try {
    return loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}
