export { ConfigError, loadConfig, type ConfigSources } from './load.ts';
export { ConfigSchema, SECTION_NAMES, type Config, type Features } from './schema.ts';
export type { LlmEndpoint } from './sections/providers.ts';
