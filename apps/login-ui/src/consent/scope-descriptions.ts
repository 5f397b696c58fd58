const SENTENCES: Record<string, string> = {
  openid: 'Confirm who you are',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
  'tessera:admin': 'Administer Tessera with your administrator rights: clients, users, sessions and keys',
};

/** One plain sentence per requested scope, in the order asked. */
export function describeScopes(scopes: string[]): string[] {
  return scopes.map((scope) => SENTENCES[scope] ?? `Use the "${scope}" permission`);
}
