import { ClientCache } from './client-cache';

interface Record { id: string; grantTypes: string[] }

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const stored = new Map<string, Record>([['a', { id: 'a', grantTypes: ['client_credentials'] }], ['b', { id: 'b', grantTypes: [] }]]);
  const reads: string[] = [];
  let failNext = false;
  const load = async (id: string): Promise<Record | null> => {
    reads.push(id);
    if (failNext) {
      failNext = false;
      throw new Error('database unavailable');
    }
    const found = stored.get(id);
    return found ? { ...found, grantTypes: [...found.grantTypes] } : null;
  };
  const cache = new ClientCache<Record>({ ttlMs: options.ttlMs ?? 5_000, maxEntries: options.maxEntries ?? 100, now: () => now });
  return {
    cache, stored, reads, load,
    advance: (ms: number) => { now += ms; },
    failNextRead: () => { failNext = true; },
  };
}

describe('ClientCache', () => {
  it('reads a record once and serves it from memory until the TTL has passed', async () => {
    const { cache, load, reads, advance } = setup({ ttlMs: 5_000 });
    expect(await cache.get('a', load)).toMatchObject({ id: 'a' });
    advance(4_999);
    expect(await cache.get('a', load)).toMatchObject({ id: 'a' });
    expect(reads).toEqual(['a']);
    advance(1);
    await cache.get('a', load);
    expect(reads).toEqual(['a', 'a']);
  });

  it('sees a change made elsewhere once the TTL has passed, and at once after forget()', async () => {
    const { cache, load, stored, advance } = setup({ ttlMs: 5_000 });
    await cache.get('a', load);
    stored.set('a', { id: 'a', grantTypes: [] });
    expect((await cache.get('a', load))?.grantTypes).toEqual(['client_credentials']);
    advance(5_000);
    expect((await cache.get('a', load))?.grantTypes).toEqual([]);

    stored.set('a', { id: 'a', grantTypes: ['authorization_code'] });
    cache.forget('a');
    expect((await cache.get('a', load))?.grantTypes).toEqual(['authorization_code']);
  });

  it('does not remember an unknown id, so a client registered a moment later is found', async () => {
    const { cache, load, stored, reads } = setup();
    expect(await cache.get('new', load)).toBeNull();
    stored.set('new', { id: 'new', grantTypes: [] });
    expect(await cache.get('new', load)).toMatchObject({ id: 'new' });
    expect(reads).toEqual(['new', 'new']);
    expect(cache.size).toBe(1);
  });

  it('does not remember a failed read: the error reaches the caller and the next call reads again', async () => {
    const { cache, load, reads, failNextRead } = setup();
    failNextRead();
    await expect(cache.get('a', load)).rejects.toThrow('database unavailable');
    expect(await cache.get('a', load)).toMatchObject({ id: 'a' });
    expect(reads).toEqual(['a', 'a']);
  });

  it('shares one read among callers that ask for the same id at the same time', async () => {
    const { cache, load, reads } = setup();
    const [first, second] = await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(first).toBe(second);
    expect(reads).toEqual(['a']);
  });

  it('hands out a frozen record, so one request cannot change what the next one sees', async () => {
    const { cache, load } = setup();
    const record = (await cache.get('a', load))!;
    expect(() => { record.grantTypes.push('refresh_token'); }).toThrow(TypeError);
    expect(() => { (record as { id: string }).id = 'b'; }).toThrow(TypeError);
    expect((await cache.get('a', load))?.grantTypes).toEqual(['client_credentials']);
  });

  it('stays within maxEntries by dropping the record read longest ago', async () => {
    const { cache, load, reads } = setup({ maxEntries: 1 });
    await cache.get('a', load);
    await cache.get('b', load);
    expect(cache.size).toBe(1);
    await cache.get('b', load);
    await cache.get('a', load);
    expect(reads).toEqual(['a', 'b', 'a']);
  });
});
