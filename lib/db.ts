/**
 * The system of record: PostgreSQL through drizzle, or PGlite (the same SQL, in-process, a data
 * folder) when no DATABASE_URL is set. One handle per process, shared by the services running
 * in it; each service uses only its own tables. Migrations (store/migrations, made by
 * drizzle-kit) are applied on first open, under an advisory lock so two processes starting
 * together do not race; applying them twice is a no-op.
 */
import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { ROOT } from "../contracts";
import { HubError } from "../kit/errors";

export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface DbHandle {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

const MIGRATIONS = path.join(ROOT, "store", "migrations");
const LOCK_ID = 7_212_345; // pg_advisory_lock key for migrations

const open = new Map<string, Promise<DbHandle>>();

async function openPostgres(url: string): Promise<DbHandle> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new Pool({
    connectionString: url,
    max: Number(process.env.DB_POOL_MAX ?? 10),
    application_name: "tongguan",
    // while the store is unreachable a request fails fast (503) instead of waiting for a connection
    connectionTimeoutMillis: Number(process.env.DB_CONNECT_TIMEOUT_MS ?? 3000),
    keepAlive: true,
  });
  // A connection that dies (PostgreSQL restarted, network cut) emits 'error' on its client — idle
  // in the pool or checked out between two queries. Unhandled, that event kills the process; the
  // pool drops the broken client and opens a new one at the next query.
  let lastWarned = 0;
  const lost = (e: Error) => {
    if (Date.now() - lastWarned < 5000) return; // one line per outage, not one per connection
    lastWarned = Date.now();
    process.stderr.write(`${new Date().toISOString()} WARN  数据库连接中断，将自动重连 / store connection lost, reconnecting: ${e.message}\n`);
  };
  pool.on("error", lost);
  pool.on("connect", (client) => client.on("error", lost));
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
    }
  } finally {
    client.release();
  }
  return { db: drizzle(pool) as unknown as Db, kind: "postgres", close: () => pool.end() };
}

async function openPglite(dir: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  fs.mkdirSync(dir, { recursive: true }); // PGlite does not create the parent itself
  const client = await PGlite.create(dir);
  const db = drizzle(client);
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return { db: db as unknown as Db, kind: "pglite", close: () => client.close() };
}

/** DATABASE_URL → PostgreSQL; otherwise PGlite in `<dataDir>/pg`. Cached per target. */
export function openDb(target: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  const key = target.databaseUrl ?? `pglite:${target.dataDir}`;
  let p = open.get(key);
  if (!p) {
    p = target.databaseUrl ? openPostgres(target.databaseUrl) : openPglite(path.join(target.dataDir, "pg"));
    p.catch(() => open.delete(key));
    open.set(key, p);
  }
  return p;
}

/** Closes every handle this process opened (broker stop, tests). */
export async function closeAllDbs(): Promise<void> {
  const handles = [...open.values()];
  open.clear();
  for (const h of handles) {
    try {
      await (await h).close();
    } catch {
      /* already closed */
    }
  }
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, in recovery)
  "53300", // too_many_connections
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|read ECONNRESET|connect ECONNREFUSED|write EPIPE|socket hang up|Client was closed and is not queryable/i;

/**
 * True when `err` means the store could not be reached (connection refused, reset or cut,
 * PostgreSQL shutting down or starting, no free connection in time) rather than a bad query: the
 * caller should answer 503 with Retry-After and the request may be repeated. Follows `cause`
 * (drizzle wraps driver errors) and `data` (errors that crossed the bus).
 */
export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as { code?: unknown; type?: unknown; message?: unknown; cause?: unknown; data?: unknown; errors?: unknown };
  if (e.type === "STORE_UNAVAILABLE") return true;
  if (typeof e.code === "string" && (UNAVAILABLE_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isStoreUnavailable(x, depth + 1))) return true;
  return isStoreUnavailable(e.cause, depth + 1) || (typeof e.data === "object" && isStoreUnavailable((e.data as { cause?: unknown }).cause, depth + 1));
}

/** The answer while the store is unreachable: 503 STORE_UNAVAILABLE (the gateway adds Retry-After). */
export function storeUnavailableError(): HubError {
  return new HubError(503, "STORE_UNAVAILABLE", "数据库暂时无法连接，请求未处理，请稍后重试", "the store is unreachable; the request was not processed, retry shortly");
}

/**
 * Broker middleware: a local action that fails because the store is unreachable fails with
 * storeUnavailableError() instead, so the reason survives the trip over the bus (a driver error
 * crossing nodes keeps only its message, and drizzle's message is the SQL).
 */
export const StoreErrorsMiddleware = {
  name: "StoreErrors",
  localAction(next: (ctx: unknown) => Promise<unknown>) {
    return (ctx: unknown) =>
      next(ctx).catch((e: unknown) => {
        throw !(e instanceof HubError) && isStoreUnavailable(e) ? storeUnavailableError() : e;
      });
  },
};

/** rows of a raw `db.execute(sql…)` on either driver */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] };
  return (r.rows ?? (result as T[])) as T[];
}
