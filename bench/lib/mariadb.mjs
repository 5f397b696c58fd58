// The MariaDB/MySQL database the scenarios that need one run on. BENCH_DATABASE_URL names it
// (default mysql://tessera:tessera@127.0.0.1:3306/tessera_bench, the user STACK.md's setup creates);
// each scenario gets a database of its own, named after it with a suffix (`tessera_bench_s4`), dropped
// and created again when the scenario starts, so no number depends on what an earlier run left.
// The user therefore needs CREATE and DROP on `<name>%` (user tessera has them on `tessera%`).
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';

const DEFAULT_URL = 'mysql://tessera:tessera@127.0.0.1:3306/tessera_bench';

/** The base URL, and whether it came from the environment. */
export function benchDatabaseUrl() {
  return process.env.BENCH_DATABASE_URL || DEFAULT_URL;
}

/**
 * Drops and creates `<base>_<suffix>` and answers its URL, or throws an Error whose message says why
 * MariaDB cannot be used (the caller reports "not run: …", never a number).
 */
export async function freshDatabase(suffix) {
  const base = new URL(benchDatabaseUrl());
  const name = `${base.pathname.slice(1)}_${suffix}`;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`BENCH_DATABASE_URL: database name ${name} is not a plain identifier`);
  let connection;
  try {
    connection = await connect(base, null);
  } catch (err) {
    // On a developer machine the bench user may not exist yet: create it as root over the local
    // socket (STACK.md), once, and try again. Where that is not possible, the first error stands.
    if (process.env.BENCH_DATABASE_URL || !createDefaultUser()) throw new Error(`MariaDB unreachable at ${base.host} (${err.code ?? err.message})`);
    connection = await connect(base, null).catch((again) => {
      throw new Error(`MariaDB unreachable at ${base.host} (${again.code ?? again.message})`);
    });
  }
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await connection.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.href;
}

/** Drops a database made by freshDatabase (errors ignored: it is only tidying up). */
export async function dropDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const connection = await connect(url, null).catch(() => undefined);
  if (!connection) return;
  await connection.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``).catch(() => undefined);
  await connection.end();
}

/** A mysql2 connection to `url`'s server, to `database` (by default the URL's own; null for none). */
export function connect(url, database = new URL(url).pathname.slice(1)) {
  const u = new URL(url);
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: database ?? undefined,
    multipleStatements: false,
    connectTimeout: 5_000,
  });
}

function createDefaultUser() {
  const sql = "CREATE USER IF NOT EXISTS 'tessera'@'127.0.0.1' IDENTIFIED BY 'tessera'; " +
    "CREATE USER IF NOT EXISTS 'tessera'@'localhost' IDENTIFIED BY 'tessera'; " +
    "GRANT ALL ON `tessera%`.* TO 'tessera'@'127.0.0.1'; GRANT ALL ON `tessera%`.* TO 'tessera'@'localhost';";
  try {
    execFileSync('mariadb', ['--protocol=socket', '-u', 'root', '-e', sql], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
