/**
 * The gateway ↔ control contract: the only module of control the gateway may import.
 * Zod schemas and types of the call context, conversation events, call-control actions,
 * the media token, and the shared configuration loader.
 */
export * from './actions.ts';
export * from './call.ts';
export * from './config/index.ts';
export * from './context.ts';
export * from './events.ts';
export * from './media-token.ts';
export * from './client.ts';
export * from './http-transport.ts';
export * from './metrics.ts';
export * from './shutdown.ts';
