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
  const pool = new Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX ?? 10), application_name: "tongguan" });
  pool.on("error", () => {
    /* an idle client died; the pool replaces it */
  });
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

/** rows of a raw `db.execute(sql…)` on either driver */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] };
  return (r.rows ?? (result as T[])) as T[];
}
