/**
 * The load client: a process of its own (not the hub's, not the baseline's, not a simulator's),
 * started by an orchestrator and asked over IPC to
 *
 * - `run` a LoadRun (bench/intake.bench.ts): post `count` generated 12345 work orders
 *   (generateOrder with the seeded random source, unique order numbers) to
 *   POST <url>/api/v1/hotline12345/work-orders;
 * - `sanctions` a SanctionRun (bench/notices.bench.ts): post the seeded penalty decisions of
 *   bench/sanction-load.ts to POST <url>/api/v1/sanctions;
 * - `replay` a ReplayRun (the notices bench's baseline): post the very messages the hub delivered
 *   (JSON lines: system, path, body, Idempotency-Key) to the fresh simulators directly, those the
 *   hub sent together in one batch envelope again in one (a request then counts its messages);
 *
 * each with `concurrency` requests in flight over keep-alive connections (node:http Agent, one per
 * run and target), answering the throughput, the latency to each answer and the status counts,
 * with every request's send time (for end-to-end latencies). Bodies are generated and serialised
 * before the clock starts, so the client spends its time on HTTP only.
 */
import fs from "node:fs";
import http from "node:http";
import { generateOrder } from "../adapters/hotline12345/mapping";
import { SANCTIONS_PATH } from "../adapters/enforcement/mapping";
import { BATCH_PATH } from "../kit/adapter";
import { seededRandom } from "../lib/random";
import { announceReady, latency, round, serveParent, type LoadResult, type LoadRun, type ReplayRun, type SanctionRun, type Sent } from "./lib";
import { generateSanctions } from "./sanction-load";

const PATH = "/api/v1/hotline12345/work-orders";
/** the hub's batch endpoint: many messages of any system in one request */
const HUB_BATCH_PATH = "/api/v1/batch";

function loopback(url: string): URL {
  const target = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error(`loopback only: ${url}`);
  return target;
}

function post(agent: http.Agent, target: URL, path: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

interface Item {
  ref: string;
  target: URL;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** messages the request carries (a batch envelope: its items), default 1 */
  weight?: number;
  /** a batch envelope to the hub: what each item carried (its decision number), to answer one Sent per item */
  refs?: string[];
}

/** Posts every item with `concurrency` in flight (closed loop) until done or `maxSeconds`; `okStatus`: what counts as accepted. */
async function closedLoop(
  items: Item[],
  opts: { concurrency: number; maxSeconds: number; timeoutMs: number; okStatus: (s: number) => boolean; idOf?: (text: string) => string | undefined },
): Promise<LoadResult> {
  const agents = new Map<string, http.Agent>();
  const agentOf = (u: URL) => {
    let a = agents.get(u.host);
    if (!a) agents.set(u.host, (a = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency })));
    return a;
  };
  const requests: Sent[] = [];
  let next = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + opts.maxSeconds * 1000;
  const worker = async () => {
    while (next < items.length && performance.now() < deadline) {
      const it = items[next++];
      const sentAt = Date.now();
      const s = performance.now();
      let status = 0;
      let caseId: string | undefined;
      try {
        const a = await post(agentOf(it.target), it.target, it.path, it.headers, it.body, opts.timeoutMs);
        if (it.refs) {
          // the hub's batch answer: every item is a request of its own, sent when the envelope was
          const results = a.status === 200 ? ((JSON.parse(a.text) as { results?: { status: number; body?: unknown }[] }).results ?? []) : [];
          it.refs.forEach((ref, i) => {
            const r = results[i];
            const st = r?.status ?? a.status;
            if (!opts.okStatus(st)) firstError ??= `${st} ${JSON.stringify(r?.body ?? a.text).slice(0, 200)}`;
            requests.push({ orderNo: ref, sentAt, ms: performance.now() - s, status: st, caseId: opts.idOf?.(JSON.stringify(r?.body ?? null)) });
          });
          continue;
        }
        status = a.status;
        if (opts.okStatus(status) || status === 200) caseId = opts.idOf?.(a.text);
        if (!opts.okStatus(status) && status !== 200) firstError ??= `${status} ${a.text.slice(0, 200)}`;
      } catch (e) {
        firstError ??= (e as Error).message;
      }
      for (const ref of it.refs ?? [it.ref]) requests.push({ orderNo: ref, sentAt, ms: performance.now() - s, status, caseId });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, items.length) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  for (const a of agents.values()) a.destroy();

  const statuses: Record<string, number> = {};
  for (const q of requests) statuses[q.status] = (statuses[q.status] ?? 0) + 1;
  const ok = requests.filter((q) => opts.okStatus(q.status));
  const weightOf = new Map(items.filter((it) => !it.refs).map((it) => [it.ref, it.weight ?? 1]));
  const messages = (qs: Sent[]) => qs.reduce((n, q) => n + (weightOf.get(q.orderNo) ?? 1), 0);
  return {
    attempted: messages(requests),
    accepted: messages(ok),
    statuses,
    seconds: round(seconds, 3),
    perSecond: round(messages(ok) / seconds),
    latencyMs: latency(ok.map((q) => q.ms)),
    timeCapped: next < items.length,
    firstError,
    requests,
  };
}

const idField = (field: string) => (text: string) => {
  try {
    return (JSON.parse(text) as Record<string, string | undefined>)[field];
  } catch {
    return undefined;
  }
};

async function run(r: LoadRun): Promise<LoadResult> {
  const target = loopback(r.url);
  const rand = seededRandom(r.seed);
  const now = new Date();
  const items = Array.from({ length: r.count }, (_, i) => {
    const o = generateOrder(r.firstSeq + i, now, rand);
    return { ref: o.orderNo, target, path: PATH, headers: { "x-api-key": r.key }, body: Buffer.from(JSON.stringify(o)) };
  });
  return closedLoop(items, { ...r, okStatus: (s) => s === 202, idOf: idField("caseId") });
}

async function sanctions(r: SanctionRun): Promise<LoadResult> {
  const target = loopback(r.url);
  const load = generateSanctions(r.spec, new Date(r.now));
  const headers = { "x-api-key": r.key };
  const items: Item[] = [];
  if (r.batch > 1)
    for (let i = 0; i < load.bodies.length; i += r.batch) {
      const part = load.bodies.slice(i, i + r.batch);
      const envelope = { items: part.map((b) => ({ method: "POST", path: SANCTIONS_PATH, body: b })) };
      items.push({ ref: part[0].行政处罚决定书文号, refs: part.map((b) => b.行政处罚决定书文号), target, path: HUB_BATCH_PATH, headers, body: Buffer.from(JSON.stringify(envelope)) });
    }
  else for (const b of load.bodies) items.push({ ref: b.行政处罚决定书文号, target, path: SANCTIONS_PATH, headers, body: Buffer.from(JSON.stringify(b)) });
  return closedLoop(items, { ...r, okStatus: (s) => s === 202, idOf: idField("sanctionId") });
}

async function replay(r: ReplayRun): Promise<LoadResult> {
  const targets = new Map(Object.entries(r.targets).map(([k, v]) => [k, loopback(v)]));
  const items: Item[] = [];
  const batches = new Map<string, { ref: string; target: URL; items: unknown[] }>();
  for (const line of fs.readFileSync(r.file, "utf8").split("\n")) {
    if (!line) continue;
    const m = JSON.parse(line) as { system: string; method?: string; path: string; idempotencyKey?: string; body: unknown; batch?: number };
    const target = targets.get(m.system);
    if (!target) throw new Error(`replay: no URL for ${m.system}`);
    const ref = m.idempotencyKey ?? m.path;
    if (m.batch) {
      const k = `${m.system}#${m.batch}`;
      let b = batches.get(k);
      if (!b) batches.set(k, (b = { ref, target, items: [] }));
      b.items.push({ method: m.method ?? "POST", path: m.path, ...(m.idempotencyKey ? { idempotencyKey: m.idempotencyKey } : {}), body: m.body });
      continue;
    }
    items.push({ ref, target, path: m.path, headers: m.idempotencyKey ? { "idempotency-key": m.idempotencyKey } : {}, body: Buffer.from(JSON.stringify(m.body)) });
  }
  // a batch the hub sent goes again as one envelope to the simulator's batch endpoint
  for (const b of batches.values()) items.push({ ref: b.ref, target: b.target, path: BATCH_PATH, headers: {}, body: Buffer.from(JSON.stringify({ items: b.items })), weight: b.items.length });
  // interleaved across systems in the order the hub's messages left (the file is by system)
  if (r.order === "interleave") items.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return closedLoop(items, { ...r, okStatus: (s) => s >= 200 && s < 300 });
}

serveParent({ run, sanctions, replay }, async () => undefined);
announceReady({ pid: process.pid });
