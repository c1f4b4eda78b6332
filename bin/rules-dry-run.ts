/**
 * 规则试运行 rules dry run — replays the stored cases of a period against a candidate
 * catalogue/rules folder and shows every case that would change owner, go to or leave triage
 * (人工分拨), with counts by unit and by rule. It writes nothing.
 *
 *   npm run rules:dry-run -- --rules <folder> [--from <date>] [--to <date>] [--format text|json]
 *
 *   --rules   a folder with the layout of cities/ (cities/<city>/{city,units,categories,rules}.json),
 *             checked like start-up does (loadCities); a bad folder prints the loader's error, exit 2
 *   --from    ISO date or date-time; cases received at or after it (a bare date is local midnight)
 *   --to      ISO date or date-time; cases received up to it (a bare date includes that whole day)
 *   --format  text (default: Chinese-first report) or json (the DryRunReport on stdout)
 *
 * The store is the hub's, named by the same environment: DATABASE_URL → PostgreSQL, else PGlite
 * under DATA_DIR (data/pg). It is opened read-only — one SELECT in a READ ONLY transaction, no
 * migrations; a store without the cases table (or a missing PGlite folder) is an error, exit 1.
 * Stop an embedded hub before pointing this at its PGlite folder (PGlite is single-process).
 * The current rules are the project's cities/ folder. Cases decided by a person (routing.decidedBy
 * "agent") are listed apart and not counted. Text output ends with
 *   RESULT changed=N to_triage=N from_triage=N unchanged=N
 * (with --format json that line goes to stderr, so stdout stays one JSON document).
 * Exit: 0 done, 1 store problem, 2 bad arguments or rules folder.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config";
import { loadCities, type CityData } from "../domain/routing";
import { dryRun, formatReport, resultLine, type StoredCase } from "../domain/dry-run";

const COLUMNS = "id, received_at, origin_system, title, content, category_path, category_code, appeal_type, urgency, location, owner_unit_id, owner_unit_name, status, routing";

interface Row {
  id: string;
  received_at: Date | string;
  origin_system: string;
  title: string;
  content: string;
  category_path: string[] | string;
  category_code: string | null;
  appeal_type: string;
  urgency: string;
  location: Record<string, unknown> | string;
  owner_unit_id: string | null;
  owner_unit_name: string | null;
  status: string;
  routing: StoredCase["routing"] | string;
}

const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

function toCase(r: Row): StoredCase {
  return {
    id: r.id,
    receivedAt: r.received_at instanceof Date ? r.received_at : new Date(r.received_at),
    originSystem: r.origin_system,
    title: r.title,
    content: r.content,
    categoryPath: json<string[]>(r.category_path),
    categoryCode: r.category_code,
    appealType: r.appeal_type,
    urgency: r.urgency,
    location: json<Record<string, unknown>>(r.location),
    ownerUnitId: r.owner_unit_id,
    ownerUnitName: r.owner_unit_name,
    status: r.status,
    routing: r.routing === null ? null : json<StoredCase["routing"]>(r.routing),
  };
}

class StoreError extends Error {}

const NO_SCHEMA = "数据库中没有 cases 表（尚未初始化？请先启动一次 hub）/ the store has no cases table (never initialised? start the hub once)";

interface Bound {
  at: Date;
  /** true for a --to given as a bare date: received before the next midnight */
  exclusive: boolean;
}

function query(from?: Bound, to?: Bound): { text: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (from) where.push(`received_at >= $${params.push(from.at.toISOString())}`);
  if (to) where.push(`received_at ${to.exclusive ? "<" : "<="} $${params.push(to.at.toISOString())}`);
  return { text: `SELECT ${COLUMNS} FROM cases${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY received_at, id`, params };
}

/** The cases of the period, read in one READ ONLY transaction; never migrates, never writes. */
async function readCases(env: { databaseUrl?: string; dataDir: string }, from?: Bound, to?: Bound): Promise<{ cases: StoredCase[]; store: string }> {
  const q = query(from, to);
  if (env.databaseUrl) {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: env.databaseUrl, application_name: "tongguan-rules-dry-run" });
    try {
      await client.connect();
    } catch (e) {
      throw new StoreError(`数据库不可达 / store not reachable: ${(e as Error).message}`);
    }
    try {
      await client.query("BEGIN TRANSACTION READ ONLY");
      const reg = await client.query<{ t: string | null }>("SELECT to_regclass('public.cases')::text AS t");
      if (!reg.rows[0]?.t) throw new StoreError(NO_SCHEMA);
      const res = await client.query<Row>(q.text, q.params);
      await client.query("ROLLBACK");
      return { cases: res.rows.map(toCase), store: `PostgreSQL ${new URL(env.databaseUrl).pathname.slice(1)}` };
    } finally {
      await client.end();
    }
  }
  const dir = path.join(env.dataDir, "pg");
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) throw new StoreError(`PGlite 数据目录不存在 / no PGlite store at ${dir} (set DATABASE_URL or DATA_DIR)`);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(dir);
  try {
    return await db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION READ ONLY");
      const reg = await tx.query<{ t: string | null }>("SELECT to_regclass('public.cases')::text AS t");
      if (!reg.rows[0]?.t) throw new StoreError(NO_SCHEMA);
      const res = await tx.query<Row>(q.text, q.params);
      await tx.rollback();
      return { cases: res.rows.map(toCase), store: `PGlite ${dir}` };
    });
  } finally {
    await db.close();
  }
}

/** A bare date (YYYY-MM-DD) is local midnight; as --to it covers that whole day (before the next midnight). */
function parseDate(flag: string, v: string | undefined, endOfDay: boolean): Bound | undefined {
  if (v === undefined) return undefined;
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const at = new Date(bare ? `${v}T00:00:00` : v);
  if (Number.isNaN(at.getTime())) throw new UsageError(`${flag} ${v}: 不是合法的 ISO 日期 / not an ISO date (e.g. 2025-06-01 or 2025-06-01T08:00:00+08:00)`);
  if (bare && endOfDay) {
    at.setDate(at.getDate() + 1);
    return { at, exclusive: true };
  }
  return { at, exclusive: false };
}

class UsageError extends Error {}

const USAGE = "用法 / usage: npm run rules:dry-run -- --rules <folder> [--from <date>] [--to <date>] [--format text|json]";

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: { rules?: string; from?: string; to?: string; format?: string };
  try {
    args = parseArgs({ args: argv, options: { rules: { type: "string" }, from: { type: "string" }, to: { type: "string" }, format: { type: "string", default: "text" } }, strict: true }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let candidate: CityData[];
  let current: CityData[];
  let from: Bound | undefined;
  let to: Bound | undefined;
  try {
    if (!args.rules) throw new UsageError(`缺少 --rules / --rules is required\n${USAGE}`);
    if (args.format !== "text" && args.format !== "json") throw new UsageError(`--format ${args.format}: 应为 text 或 json / must be text or json`);
    from = parseDate("--from", args.from, false);
    to = parseDate("--to", args.to, true);
    if (from && to && from.at > to.at) throw new UsageError("--from 晚于 --to / --from is after --to");
    candidate = loadCities(path.resolve(args.rules), { candidate: true });
    current = loadCities();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }

  let store: { databaseUrl?: string; dataDir: string };
  try {
    store = loadConfig(env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }

  let read: { cases: StoredCase[]; store: string };
  try {
    read = await readCases(store, from, to);
  } catch (e) {
    process.stderr.write(`${e instanceof StoreError ? "" : "读取工单失败 / reading cases failed: "}${(e as Error).message}\n`);
    return 1;
  }

  const report = dryRun(read.cases, current, candidate);
  if (args.format === "json") {
    process.stdout.write(`${JSON.stringify({ store: read.store, rules: path.resolve(args.rules), from: from?.at.toISOString() ?? null, to: to?.at.toISOString() ?? null, ...report }, null, 2)}\n`);
    process.stderr.write(`${resultLine(report)}\n`);
  } else {
    const period = `${from ? from.at.toISOString() : "最早 earliest"} — ${to ? `${to.at.toISOString()}${to.exclusive ? "（不含 exclusive）" : ""}` : "至今 now"}`;
    process.stdout.write(`${formatReport(report, `数据库 store: ${read.store}\n候选规则 candidate: ${path.resolve(args.rules)}\n期间 period: ${period}（只读，不写入 read-only）`)}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
