// Scenario 8's data: a directory and a token store the size of a busy installation, written straight
// into the tables (multi-row INSERTs through mysql2, in batches, outside the timed part) after both
// apps have run their migrations. The rows have the shapes the apps write (columns as in
// apps/token-service/src/migrations and apps/login-ui/src/migrations): hashed secrets and tokens,
// JSON in the simple-json columns, epoch milliseconds. Refresh tokens come in rotated families:
// each grant has ten, nine used and the newest not, as after nine refreshes.
import { Algorithm, hash } from '@node-rs/argon2';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from './mariadb.mjs';

const BATCH_ROWS = 2_000;
const PARALLEL = 2;
const REFRESH_PER_GRANT = 10;

const id = (bytes) => randomBytes(bytes).toString('base64url');

/**
 * Seeds `counts` ({ clients, users, refreshTokens }) into `databaseUrl`; there are
 * refreshTokens / 10 grants, each for a seeded user and client. Answers how long each table took.
 */
export async function seedGrowth(databaseUrl, counts, { onProgress = () => {} } = {}) {
  const connections = await Promise.all(Array.from({ length: PARALLEL }, () => connect(databaseUrl)));
  const now = Date.now();
  const seconds = {};
  try {
    const clientIds = Array.from({ length: counts.clients }, () => id(16));
    seconds.clients = await insertAll(connections, 'clients',
      ['client_id', 'client_secret_hash', 'client_name', 'client_uri', 'redirect_uris', 'post_logout_redirect_uris',
        'grant_types', 'response_types', 'token_endpoint_auth_method', 'first_party', 'backchannel_logout_session_required', 'created_at'],
      counts.clients,
      (i) => [clientIds[i], id(32), `Seeded partner ${i}`, `https://p${i}.seed.example`, JSON.stringify([`https://p${i}.seed.example/callback`]),
        '[]', '["authorization_code","refresh_token"]', '["code"]', 'client_secret_basic', 0, 0, now - i],
      onProgress);

    // One real argon2id hash (the login UI's parameters) shared by every seeded account: the rows
    // have the size and shape of real ones without 100,000 hashes' worth of CPU.
    const passwordHash = await hash(id(16), { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const userIds = Array.from({ length: counts.users }, () => randomUUID());
    seconds.users = await insertAll(connections, 'users',
      ['id', 'username', 'username_key', 'email', 'email_key', 'email_verified', 'name', 'password_hash', 'roles',
        'disabled', 'created_at', 'updated_at', 'failed_count'],
      counts.users,
      (i) => [userIds[i], `Seed.User${i}`, `seed.user${i}`, `Seed.User${i}@seed.example`, `seed.user${i}@seed.example`, 1,
        `Seed User ${i}`, passwordHash, '[]', 0, now - i, now - i, 0],
      onProgress);

    // Random identifiers, inserted in ascending order: each B-tree then grows at its right edge
    // instead of splitting pages all over, which makes a million rows minutes faster to write. The
    // tables end up holding the same random keys either way; only the seeding is quicker.
    const grantCount = Math.ceil(counts.refreshTokens / REFRESH_PER_GRANT);
    const grantIds = sortedIds(grantCount, 16);
    const grantClient = (g) => clientIds[g % clientIds.length];
    const scope = 'openid profile email offline_access';
    seconds.grants = await insertAll(connections, 'token_grants',
      ['id', 'client_id', 'subject', 'scope', 'claims', 'auth_time', 'amr', 'session_id', 'created_at', 'revoked_at'],
      grantCount,
      (g) => [grantIds[g], grantClient(g), userIds[g % userIds.length], scope, '{"email":"seed@seed.example","name":"Seed"}',
        now - 86_400_000, '["pwd"]', id(16), now - 86_400_000, null],
      onProgress);

    const tokenHashes = sortedIds(counts.refreshTokens, 32);
    seconds.refreshTokens = await insertAll(connections, 'refresh_tokens',
      ['token_hash', 'grant_id', 'client_id', 'scope', 'created_at', 'expires_at', 'used_at'],
      counts.refreshTokens,
      (i) => {
        const g = Math.floor(i / REFRESH_PER_GRANT);
        const newest = i % REFRESH_PER_GRANT === REFRESH_PER_GRANT - 1;
        const created = now - 86_400_000 + (i % REFRESH_PER_GRANT) * 60_000;
        return [tokenHashes[i], grantIds[g], grantClient(g), scope, created, created + 30 * 86_400_000, newest ? null : created + 60_000];
      },
      onProgress);
    // Fresh statistics, as a database that grew over months would have: the optimizer's picture of
    // the tables must not be the empty one from before the seed.
    await connections[0].query('ANALYZE TABLE clients, users, token_grants, refresh_tokens');
  } finally {
    await Promise.all(connections.map((c) => c.end()));
  }
  return seconds;
}

/** Sorted case-blind, as MariaDB's default utf8mb4 collations compare: close to the index's own order. */
function sortedIds(count, bytes) {
  return Array.from({ length: count }, () => id(bytes))
    .map((value) => [value.toUpperCase(), value])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, value]) => value);
}

/** Inserts `count` rows made by `row(i)` in batches, PARALLEL batches at a time; answers seconds taken. */
async function insertAll(connections, table, columns, count, row, onProgress) {
  const started = performance.now();
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`;
  let next = 0;
  let done = 0;
  let reported = 0;
  await Promise.all(connections.map(async (connection) => {
    while (next < count) {
      const from = next;
      const to = Math.min(count, from + BATCH_ROWS);
      next = to;
      const rows = [];
      for (let i = from; i < to; i++) rows.push(row(i));
      await connection.query(sql, [rows]);
      done += to - from;
      if (done - reported >= count / 4 || done === count) {
        reported = done;
        onProgress(`${table}: ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`);
      }
    }
  }));
  return (performance.now() - started) / 1000;
}
