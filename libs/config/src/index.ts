export { ConfigError, readString, readInt, readPort, readBaseUrl, readSecret } from './env';
export type { Env } from './env';
export { secretOrDevDefault } from './dev-secrets';
export { stopOnSignals } from './stop-on-signals';
