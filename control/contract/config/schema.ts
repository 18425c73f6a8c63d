/**
 * The whole configuration: one YAML file plus `SECTION__KEY__SUB=value` environment overrides,
 * parsed once at start-up. Every object is strict: an unknown key stops start-up.
 */
import { z } from 'zod';
import { CacheSection, QueueSection, StoreSection } from './sections/backends.ts';
import { ConversationSection, TelemetrySection } from './sections/conversation.ts';
import { FeaturesSection } from './sections/features.ts';
import {
  AcsSection,
  EmergencySection,
  LlmSection,
  RagSection,
  SmsSection,
  SttSection,
  TtsSection,
  TwilioSection,
} from './sections/providers.ts';
import { ControlSection, GatewaySection, MediaSection, SecretsSection } from './sections/server.ts';

export const ConfigSchema = z.strictObject({
  control: ControlSection,
  gateway: GatewaySection,
  secrets: SecretsSection,
  media: MediaSection,
  features: FeaturesSection,
  store: StoreSection,
  cache: CacheSection,
  queue: QueueSection,
  llm: LlmSection,
  stt: SttSection,
  tts: TtsSection,
  acs: AcsSection,
  twilio: TwilioSection,
  sms: SmsSection,
  rag: RagSection,
  emergency: EmergencySection,
  conversation: ConversationSection,
  telemetry: TelemetrySection,
});

/** The parsed configuration; deep read-only. */
export type Config = DeepReadonly<z.infer<typeof ConfigSchema>>;
export type Features = Config['features'];

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Top-level section names; an environment variable is an override only if it starts with one. */
export const SECTION_NAMES: readonly string[] = Object.keys(ConfigSchema.shape);
