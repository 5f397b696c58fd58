/** Injection tokens of what `startPartnerDemo` builds before the Nest app: config, login helper, verifier. */
export const PARTNER_DEMO_CONFIG = Symbol('PARTNER_DEMO_CONFIG');
export const LOGIN = Symbol('LOGIN');
export const VERIFIER = Symbol('VERIFIER');
