/**
 * The bare baseline: the durable work of the hub's 12345 intake and nothing more, as a plain
 * script in a process of its own. Per request to POST /api/v1/hotline12345/work-orders:
 *
 *   read the body (≤ 1 MiB, else 413) → JSON.parse (400) → validate with the hub's own compiled
 *   ajv schema `tongguan:hotline12345/work-order` (contracts/index.ts, 422) → ONE transaction:
 *   a case row + its outbox row → publish the outbox payload → 202 {caseId}
 *   (the same orderNo again: 200 {caseId, duplicate: true}, nothing written or published).
 *
 *   BASELINE_STORE=postgres   `pg` Pool of DB_POOL_MAX (default 10, the hub's default) on
 *                             DATABASE_URL; publish = JetStream publish (nats client, awaited
 *                             ack) to the stream `<NATS_NAMESPACE>_bare_outbox` it creates —
 *                             the hub hands its outbound messages to JetStream too
 *   BASELINE_STORE=pglite     PGlite in DATA_DIR (a temporary folder), no bus: the hub's
 *                             embedded profile has no transporter
 *
 * Scratch tables, created here in the baseline's own fresh database:
 *   bare_cases(id text pk, order_no text unique, body jsonb, received_at timestamptz)
 *   bare_outbox(id bigserial pk, case_id text, payload jsonb)
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { compileAll, validate } from "../contracts";
import { SCHEMA } from "../adapters/hotline12345/mapping";
import type { WorkOrder12345 } from "../contracts/types";
import { announceReady, failStart, serveParent } from "./lib";

const PATH = "/api/v1/hotline12345/work-orders";
const MAX_BODY = 1024 * 1024;

const DDL = [
  "CREATE TABLE IF NOT EXISTS bare_cases (id text PRIMARY KEY, order_no text NOT NULL UNIQUE, body jsonb NOT NULL, received_at timestamptz NOT NULL)",
  "CREATE TABLE IF NOT EXISTS bare_outbox (id bigserial PRIMARY KEY, case_id text NOT NULL, payload jsonb NOT NULL)",
];
const INSERT_CASE = "INSERT INTO bare_cases (id, order_no, body, received_at) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (order_no) DO NOTHING RETURNING id";
const INSERT_OUTBOX = "INSERT INTO bare_outbox (case_id, payload) VALUES ($1, $2::jsonb)";
const EXISTING = "SELECT id FROM bare_cases WHERE order_no = $1";

/** One order stored: the case id, and whether it was new. */
type Store = (order: WorkOrder12345, caseId: string, outbox: string) => Promise<{ caseId: string; created: boolean }>;

interface Backend {
  store: Store;
  publish?: (payload: string) => Promise<void>;
  close(): Promise<void>;
}

async function postgres(): Promise<Backend> {
  const { Pool } = await import("pg");
  const pool = new Pool({ connectionString: need("DATABASE_URL"), max: Number(process.env.DB_POOL_MAX ?? 10), application_name: "tongguan-bench-baseline" });
  pool.on("error", () => undefined);
  for (const q of DDL) await pool.query(q);
  const { connect, StringCodec } = await import("nats");
  const nc = await connect({ servers: need("NATS_URL"), timeout: 5000 });
  const ns = need("NATS_NAMESPACE");
  const subject = `${ns}.bare.outbox`;
  await (await nc.jetstreamManager()).streams.add({ name: `${ns}_bare_outbox`, subjects: [subject] });
  const js = nc.jetstream();
  const sc = StringCodec();
  return {
    async store(order, caseId, outbox) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        const r = await c.query(INSERT_CASE, [caseId, order.orderNo, JSON.stringify(order), new Date()]);
        if (!r.rowCount) {
          await c.query("ROLLBACK");
          return { caseId: (await c.query(EXISTING, [order.orderNo])).rows[0].id as string, created: false };
        }
        await c.query(INSERT_OUTBOX, [caseId, outbox]);
        await c.query("COMMIT");
        return { caseId, created: true };
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    async publish(payload) {
      await js.publish(subject, sc.encode(payload));
    },
    async close() {
      await nc.drain();
      await pool.end();
    },
  };
}

async function pglite(): Promise<Backend> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(need("DATA_DIR"));
  for (const q of DDL) await db.query(q);
  return {
    async store(order, caseId, outbox) {
      // PGlite has one connection: its transactions run one at a time, as the hub's do
      return db.transaction(async (tx) => {
        const r = await tx.query<{ id: string }>(INSERT_CASE, [caseId, order.orderNo, JSON.stringify(order), new Date()]);
        if (!r.rows.length) return { caseId: (await tx.query<{ id: string }>(EXISTING, [order.orderNo])).rows[0].id, created: false };
        await tx.query(INSERT_OUTBOX, [caseId, outbox]);
        return { caseId, created: true };
      });
    },
    close: () => db.close(),
  };
}

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the orchestrator sets it)`);
  return v;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function handle(b: Backend, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== "POST" || req.url !== PATH) return answer(res, 404, { error: "not found" });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return answer(res, 413, { error: "too large" });
    chunks.push(c as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return answer(res, 400, { error: "not JSON" });
  }
  const v = validate<WorkOrder12345>(SCHEMA.workOrder, body);
  if (!v.ok) return answer(res, 422, { error: { code: "VALIDATION_FAILED", errors: v.errors } });
  const order = v.value;
  const caseId = randomUUID();
  const payload = JSON.stringify({ system: "hotline12345", kind: "sign", target: order.orderNo, caseId });
  const r = await b.store(order, caseId, payload);
  if (!r.created) return answer(res, 200, { caseId: r.caseId, duplicate: true });
  if (b.publish) await b.publish(payload);
  return answer(res, 202, { caseId: r.caseId });
}

async function main(): Promise<void> {
  compileAll(); // like the hub: every schema compiled before the first request
  const kind = process.env.BASELINE_STORE;
  if (kind !== "postgres" && kind !== "pglite") throw new Error(`BASELINE_STORE=${kind}: postgres or pglite`);
  const backend = kind === "postgres" ? await postgres() : await pglite();
  const server = http.createServer((req, res) => {
    handle(backend, req, res).catch((e: Error) => {
      console.error(`ERROR ${e.message}`);
      if (!res.headersSent) answer(res, 500, { error: e.message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  serveParent({}, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await backend.close();
  });
  announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store: kind });
}

main().catch(failStart);
