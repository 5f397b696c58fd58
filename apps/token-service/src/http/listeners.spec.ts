import { isInternalPath } from './listeners';

// The boundary lower-cases and decodes the path before asking (listenerBoundary).
describe('isInternalPath: which listener a path belongs to', () => {
  it.each<[string, boolean]>([
    ['/internal/v1', true],
    ['/internal/v1/login-requests/x', true],
    ['/internal/v2/anything', true],
    ['/admin/api/v1', true],
    ['/admin/api/v1/clients', true],
    ['/admin/api/v1/clients/x/secret', true],
    ['/admin/api', true],
    ['/admin/api/v2/clients', true],
    ['/oauth2/token', false],
    ['/.well-known/jwks.json', false],
    ['/internal', false],
    ['/internalx/v1', false],
    ['/admin', false],
    ['/admin/apix/v1', false],
    ['/administrator/api/v1', false],
    ['/', false],
  ])('%s → internal: %p', (path, internal) => {
    expect(isInternalPath(path)).toBe(internal);
  });
});
