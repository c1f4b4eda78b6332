/**
 * Hand-written SQL on the hot paths, on either driver. Drizzle stays for the schema, the
 * migrations and the read queries people make; each step of a case is one or two statements
 * written here, where the query builder cost more CPU than the query (profile: ≈ 23 % of the
 * hub's CPU was drizzle building SQL).
 *
 * Rows come back with snake_case keys as the driver parses them (timestamptz → Date, jsonb →
 * values) on PostgreSQL and PGlite alike.
 */
import type { Db } from "../lib/db";

export type Row = Record<string, any>;

export interface Sql {
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

interface PgLike {
  query(cfg: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: Row[] }>;
}
interface PgliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

const runners = new WeakMap<object, Sql>();

/** Statement names for node-postgres' per-connection prepared statements, by text. */
const names = new Map<string, string>();
function nameOf(text: string): string {
  let n = names.get(text);
  if (!n) {
    n = `tg${names.size}`;
    names.set(text, n);
  }
  return n;
}

/** The raw runner of a drizzle handle (its `$client`: a pg Pool or a PGlite instance). */
export function sqlOf(db: Db): Sql {
  const client = (db as unknown as { $client: object }).$client;
  let r = runners.get(client);
  if (r) return r;
  const isPool = typeof (client as { connect?: unknown }).connect === "function" && "totalCount" in client;
  r = isPool
    ? {
        // fixed texts become prepared statements on each pooled connection: parsed and planned once
        query: async <T extends Row>(text: string, params: unknown[] = []) => (await (client as unknown as PgLike).query({ text, values: params, name: nameOf(text) })).rows as T[],
      }
    : { query: async <T extends Row>(text: string, params: unknown[] = []) => (await (client as unknown as PgliteLike).query(text, params)).rows as T[] };
  runners.set(client, r);
  return r;
}

/** JSON for a jsonb parameter: Dates as ISO strings, undefined left out. */
export const json = (v: unknown): string => JSON.stringify(v);

/** key spellings seen so far (column names: a few dozen), converted once */
const camelKeys = new Map<string, string>();
const snakeKeys = new Map<string, string>();

/** snake_case → camelCase keys (one level), for rows read with hand-written SQL. */
export function camel<T>(row: Row): T {
  const out: Row = {};
  for (const k in row) {
    let c = camelKeys.get(k);
    if (c === undefined) camelKeys.set(k, (c = k.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase())));
    out[c] = row[k];
  }
  return out as T;
}

/** camelCase → snake_case keys (one level), for rows written with jsonb_populate_record. */
export function snake(row: Row): Row {
  const out: Row = {};
  for (const k in row) {
    if (row[k] === undefined) continue;
    let c = snakeKeys.get(k);
    if (c === undefined) snakeKeys.set(k, (c = k.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)));
    out[c] = row[k];
  }
  return out;
}

/**
 * Group commit for one kind of small statement: calls made while a flush is in flight are
 * gathered and written together by the next flush (one statement for many rows), so under load
 * the number of statements — and of socket writes, ≈ 30 % of the hub's CPU when each row was a
 * statement of its own — falls with the concurrency, while a lone call waits for nobody.
 * `run` gets the items in order and answers one result per item, in the same order.
 */
export class Coalescer<I, O> {
  private queue: { item: I; done: (o: O) => void; fail: (e: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    /** flushes allowed at once (a share of the connection pool) */
    private readonly parallel = 2,
    private readonly maxBatch = 256,
    /** wait for the end of this turn of the event loop before a flush, so calls made together go together */
    private readonly gather = false,
  ) {}

  private scheduled = false;

  push(item: I): Promise<O> {
    return new Promise<O>((done, fail) => {
      this.queue.push({ item, done, fail });
      if (this.inFlight >= this.parallel) return;
      if (!this.gather) return void this.flush();
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        while (this.queue.length && this.inFlight < this.parallel) void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    if (!this.queue.length) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.inFlight++;
    try {
      const out = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.done(out[i]));
    } catch (e) {
      for (const b of batch) b.fail(e);
    } finally {
      this.inFlight--;
      if (this.queue.length && this.inFlight < this.parallel) void this.flush();
    }
  }
}

interface PoolClientLike {
  query(cfg: { text: string; values?: unknown[]; name?: string } | string): Promise<{ rows: Row[] }>;
  release(err?: Error): void;
  escapeLiteral(s: string): string;
}
interface PoolLike {
  connect(): Promise<PoolClientLike>;
}
interface PgliteTxLike {
  transaction<T>(fn: (tx: PgliteLike) => Promise<T>): Promise<T>;
}

/**
 * One transaction on a connection of its own, its statements prepared on that connection as
 * `sqlOf` prepares them: `BEGIN` — with `lock`, `pg_advisory_xact_lock(hashtext(key))` of each key
 * in the same round trip (the statements that follow see what each lock's previous holder
 * committed: each takes its snapshot after the locks are held; give several keys sorted, so two
 * transactions never wait for each other in a circle) — then `fn`, then `COMMIT`; `ROLLBACK` when
 * `fn` throws.
 * On PGlite (one connection, transactions one at a time) its own `transaction`, the same lock taken
 * as a statement.
 */
export async function transaction<T>(db: Db, fn: (sql: Sql) => Promise<T>, opts: { lock?: string | readonly string[] } = {}): Promise<T> {
  const locks = opts.lock === undefined ? [] : typeof opts.lock === "string" ? [opts.lock] : opts.lock;
  const client = (db as unknown as { $client: object }).$client;
  const isPool = typeof (client as { connect?: unknown }).connect === "function" && "totalCount" in client;
  if (!isPool)
    return (client as unknown as PgliteTxLike).transaction(async (tx) => {
      for (const k of locks) await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [k]);
      return fn({ query: async <R extends Row>(text: string, params: unknown[] = []) => (await tx.query(text, params)).rows as R[] });
    });
  const c = await (client as unknown as PoolLike).connect();
  let broken: Error | undefined;
  try {
    // a simple-protocol query: BEGIN and the locks, in the order given, in one round trip (keys as literals, escaped)
    await c.query(["BEGIN", ...locks.map((k) => `SELECT pg_advisory_xact_lock(hashtext(${c.escapeLiteral(k)}))`)].join("; "));
    const out = await fn({ query: async <R extends Row>(text: string, params: unknown[] = []) => (await c.query({ text, values: params, name: nameOf(text) })).rows as R[] });
    await c.query("COMMIT");
    return out;
  } catch (e) {
    try {
      await c.query("ROLLBACK");
    } catch (r) {
      broken = r as Error; // the connection is gone: the pool drops it
    }
    throw e;
  } finally {
    c.release(broken);
  }
}
