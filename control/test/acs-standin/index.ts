/** Stand-ins for ACS in control's tests: the Call Automation / SMS REST API and the callback signing keys. */
export { startAcsStandin, type AcsRequest, type AcsStandin, type StandinConnection } from './server.ts';
export { startJwksStandin, type JwksStandin, type TokenOptions } from './jwks.ts';
