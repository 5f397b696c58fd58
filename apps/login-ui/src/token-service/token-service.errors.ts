/** The challenge is unknown, expired or already used: the person has to start again at the partner. */
export class ChallengeNotFound extends Error {
  constructor() { super('the challenge is unknown, expired or already used'); }
}

/** The token service could not be reached, timed out or failed. */
export class TokenServiceUnavailable extends Error {}

/** The token service answered in a way the contract does not allow. */
export class TokenServiceProtocolError extends Error {}
