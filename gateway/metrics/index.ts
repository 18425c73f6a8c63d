/** The gateway's OpenTelemetry instruments (names from the contract). */
export { GatewayMetrics, carrierAttrs } from './gateway-metrics.ts';
