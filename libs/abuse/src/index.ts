export { RateLimiter } from './rate-limiter';
export type { RateLimit, RateLimiterOptions, RateDecision } from './rate-limiter';
export { ConcurrencyGate, GateFull } from './concurrency-gate';
export type { ConcurrencyGateOptions } from './concurrency-gate';
export { rateLimitKey } from './client-address';
export { limitRequests } from './rate-limit.middleware';
export type { LimitRequestsOptions } from './rate-limit.middleware';
export { Clock } from './clock';
export { readRateLimit, readTrustedProxies, trustProxySetting } from './abuse-config';
