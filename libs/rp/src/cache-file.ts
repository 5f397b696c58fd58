import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RsaPublicJwk } from './jwks-keys';

/** The last good key set, as written to `cacheFile`. Public data only: keys sets are published anyway. */
export interface PersistedJwks {
  version: 1;
  issuer: string;
  jwksUri: string;
  etag?: string;
  /** Epoch ms of the last 200 or 304 from the issuer. */
  fetchedAt: number;
  maxAgeSeconds: number;
  jwks: { keys: RsaPublicJwk[] };
}

export type CacheFileRead =
  | { status: 'missing' }
  | { status: 'invalid'; reason: string }
  | { status: 'ok'; value: PersistedJwks };

const MAX_FILE_BYTES = 1024 * 1024;

/** Reads and shape-checks the file; never throws (a bad file is only a reason to fetch). */
export async function readCacheFile(path: string): Promise<CacheFileRead> {
  let text: string;
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) return { status: 'invalid', reason: 'larger than 1 MiB' };
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 'invalid', reason: 'not JSON' };
  }
  return isPersistedJwks(value) ? { status: 'ok', value } : { status: 'invalid', reason: 'not a Tessera JWKS cache file' };
}

/**
 * Write-then-rename in the same directory, so a reader (or a restart after a crash mid-write) sees
 * the old file or the new one, never half of one.
 */
export async function writeCacheFile(path: string, value: PersistedJwks): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

function isPersistedJwks(value: unknown): value is PersistedJwks {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.version === 1
    && typeof v.issuer === 'string'
    && typeof v.jwksUri === 'string'
    && (v.etag === undefined || typeof v.etag === 'string')
    && typeof v.fetchedAt === 'number' && Number.isFinite(v.fetchedAt)
    && typeof v.maxAgeSeconds === 'number' && Number.isFinite(v.maxAgeSeconds) && v.maxAgeSeconds >= 0
    && typeof v.jwks === 'object' && v.jwks !== null && Array.isArray((v.jwks as { keys?: unknown }).keys);
}
