/**
 * Entry point of the control process: reads the configuration from the environment (and
 * `CONFIG_FILE`), sets up telemetry, starts control, and stops it cleanly on SIGTERM / SIGINT.
 */
import { ConfigError, loadConfig, setupTelemetry, stopOnSignals, type Config } from './contract/index.ts';
import { startControl } from './index.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ file: process.env.CONFIG_FILE, env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error('control: invalid configuration');
      for (const problem of error.problems) console.error(`  ${problem}`);
      process.exit(1);
    }
    throw error;
  }
  const telemetry = await setupTelemetry({ serviceName: 'control', appInsightsConnectionString: config.telemetry.app_insights_connection_string, otlpTracesEndpoint: config.telemetry.otlp_traces_endpoint });
  const control = await startControl(config, { telemetry });
  stopOnSignals('control', async (signal) => {
    console.error(`control: ${signal}, stopping`);
    await control.close();
    await telemetry.shutdown();
  });
}

main().catch((error: unknown) => {
  console.error('control: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
