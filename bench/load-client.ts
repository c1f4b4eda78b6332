/**
 * The load client: a process of its own (not the hub's, not the baseline's), started by the
 * orchestrator (bench/intake.bench.ts) and asked over IPC to `run` a LoadRun: post `count`
 * generated 12345 work orders (generateOrder with the seeded random source, unique order
 * numbers) to POST <url>/api/v1/hotline12345/work-orders with `concurrency` requests in flight
 * over keep-alive connections (node:http Agent, one per run), and answer the throughput, the
 * latency to each 202 and the status counts, with every request's send time (for 签收 latency).
 *
 * The orders are generated and serialised before the clock starts, so the client spends its
 * time on HTTP only.
 */
import http from "node:http";
import { generateOrder } from "../adapters/hotline12345/mapping";
import { seededRandom } from "../lib/random";
import { announceReady, latency, round, serveParent, type LoadResult, type LoadRun, type Sent } from "./lib";

const PATH = "/api/v1/hotline12345/work-orders";

function post(agent: http.Agent, target: URL, key: string, body: Buffer, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: PATH,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length, "x-api-key": key },
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

async function run(r: LoadRun): Promise<LoadResult> {
  const target = new URL(r.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error(`loopback only: ${r.url}`);
  const rand = seededRandom(r.seed);
  const now = new Date();
  const orders = Array.from({ length: r.count }, (_, i) => generateOrder(r.firstSeq + i, now, rand));
  const bodies = orders.map((o) => Buffer.from(JSON.stringify(o)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: r.concurrency });

  const requests: Sent[] = [];
  let next = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + r.maxSeconds * 1000;
  const worker = async () => {
    while (next < r.count && performance.now() < deadline) {
      const i = next++;
      const sentAt = Date.now();
      const s = performance.now();
      let status = 0;
      let caseId: string | undefined;
      try {
        const a = await post(agent, target, r.key, bodies[i], r.timeoutMs);
        status = a.status;
        if (status === 202 || status === 200) caseId = (JSON.parse(a.text) as { caseId?: string }).caseId;
        else firstError ??= `${status} ${a.text.slice(0, 200)}`;
      } catch (e) {
        firstError ??= (e as Error).message;
      }
      requests.push({ orderNo: orders[i].orderNo, sentAt, ms: performance.now() - s, status, caseId });
    }
  };
  await Promise.all(Array.from({ length: Math.min(r.concurrency, r.count) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();

  const statuses: Record<string, number> = {};
  for (const q of requests) statuses[q.status] = (statuses[q.status] ?? 0) + 1;
  const ok = requests.filter((q) => q.status === 202);
  return {
    attempted: requests.length,
    accepted: ok.length,
    statuses,
    seconds: round(seconds, 3),
    perSecond: round(ok.length / seconds),
    latencyMs: latency(ok.map((q) => q.ms)),
    timeCapped: requests.length < r.count,
    firstError,
    requests,
  };
}

serveParent({ run }, async () => undefined);
announceReady({ pid: process.pid });
