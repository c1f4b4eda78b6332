/**
 * The hub under test, in a process of its own: test/harness.ts `startTestHub(testEnv(settings))`
 * with the settings the orchestrator passes as JSON in BENCH_HUB_ENV (all services in this one
 * process, or SERVICES without delivery). Answers `usage` over IPC (CPU, event-loop
 * utilisation, RSS with a peak sampled every 50 ms since the last `mark`) and stops the hub
 * on `stop` (then exits normally, so `node --cpu-prof` writes its profile).
 *
 * To run it by hand (e.g. to profile), take the line the bench writes to
 * bench/results/<profile>-<phase>.hub.sh.
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { startTestHub, testEnv } from "../test/harness";
import { announceReady, failStart, serveParent, type HubUsage } from "./lib";

/** CPU time of the main (JavaScript) thread alone, from Linux's per-thread accounting (10 ms ticks). */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ = 100
  } catch {
    return undefined; // not Linux
  }
}

/**
 * BENCH_COUNT_SQL=1: counts the queries the hub sends to PostgreSQL (pg's Client.query — one round
 * trip each — by their first 70 characters; in a `BEGIN; …` query string literals read '…', so the
 * sanctions' `BEGIN; SELECT pg_advisory_xact_lock(hashtext('<key>'))…` count as one text) since the last
 * `mark`; `sql` answers them, most frequent first.
 */
const sqlCounts = new Map<string, number>();
/** bytes of the parameters sent with each text (what the socket carries besides the text) */
const sqlBytes = new Map<string, number>();
function countStatements(): void {
  // required here: only the hub process patches pg, and only when asked
  const pg = require("pg") as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; name?: string } | undefined;
    const text = typeof q === "string" ? q : (q?.text ?? q?.name ?? "?");
    const k = (text.startsWith("BEGIN;") ? text.replace(/'(?:[^']|'')*'/g, "'…'") : text).replace(/\s+/g, " ").trim().slice(0, 70);
    sqlCounts.set(k, (sqlCounts.get(k) ?? 0) + 1);
    const values = typeof q === "object" ? (q as { values?: unknown[] }).values : (args[1] as unknown[] | undefined);
    let bytes = 0;
    for (const v of values ?? []) bytes += typeof v === "string" ? Buffer.byteLength(v) : 8;
    sqlBytes.set(k, (sqlBytes.get(k) ?? 0) + bytes);
    return query.apply(this, args);
  };
}

async function main(): Promise<void> {
  if (process.env.BENCH_COUNT_SQL === "1") countStatements();
  const settings = JSON.parse(process.env.BENCH_HUB_ENV ?? "{}") as Record<string, string>;
  const hub = await startTestHub(testEnv(settings));
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  sampler.unref();
  serveParent(
    {
      sql() {
        return [...sqlCounts].sort((a, b) => b[1] - a[1]).map(([text, n]) => ({ text, n, kB: Math.round((sqlBytes.get(text) ?? 0) / 1024) }));
      },
      mark() {
        sqlCounts.clear();
        sqlBytes.clear();
        peak = process.memoryUsage.rss();
        return true;
      },
      usage(): HubUsage {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.rss);
        const { idle, active, utilization } = performance.eventLoopUtilization();
        return {
          cpu: process.cpuUsage(),
          mainThreadCpuMs: mainThreadCpuMs(),
          elu: { idle, active, utilization },
          rssBytes: m.rss,
          peakRssBytes: peak,
          maxRssKb: process.resourceUsage().maxRSS,
          heapUsedBytes: m.heapUsed,
          externalBytes: m.external,
        };
      },
    },
    async () => {
      clearInterval(sampler);
      await hub.stop();
    },
  );
  // simulators the hub started itself (BENCH_SIMULATORS=hub): their URLs, to read 签收 times
  const sims = Object.fromEntries(Object.entries(hub.sims as Record<string, { url: string } | undefined>).map(([k, s]) => [k, s?.url]));
  announceReady({ url: hub.url, mode: hub.cfg.mode, services: hub.cfg.services, sims });
}

main().catch(failStart);
