/**
 * One external system's simulator in a process of its own, made by its adapter spec's own factory
 * (`spec.simulator.create`, as the hub makes its built-in ones): BENCH_SIM_SYSTEM=credit | housing |
 * police | transport | unit …, with the hub's test timings (SIM_UNIT_ACCEPT_MS: a bureau signs a
 * notice this long after it arrived; SIM_UNIT_WORK_MS: it reports its feedback this long after
 * signing). The hub is pointed at it with EXT_<SYSTEM>_URL; `setHub` tells it where to call back.
 *
 * Over IPC (bench/lib.ts):
 *   setHub {url, key}        where the receipts and feedback go
 *   count                    messages taken (first successful delivery of each, 2xx, not a duplicate)
 *                            and the bureau's call-backs to the hub, cheap enough to poll
 *   received {file?}         each message taken: its receive time, path and the decision numbers
 *                            it names (bench/sanction-load numbering); with `file`, the messages'
 *                            paths, bodies, Idempotency-Keys and the batch envelope each came in
 *                            also go there as JSON lines — what the baseline replays
 */
import fs from "node:fs";
import { adapterBySystem } from "../adapters";
import type { AdapterSimulator } from "../kit/adapter";
import type { Received } from "../kit/simulator";
import { announceReady, failStart, serveParent } from "./lib";
import { DECISION_NO } from "./sanction-load";

const ms = (name: string, def: number) => Number(process.env[name] ?? def);

export interface TakenMessage {
  /** Date.parse of the simulator's receive time */
  at: number;
  path: string;
  /** the decision numbers named anywhere in the body */
  decisions: string[];
}

export interface SimCount {
  taken: number;
  /** every request recorded (failures, duplicates, reminders included) */
  requests: number;
  /** the HTTP requests the taken messages came in: alone, or several in one batch envelope */
  carriers: number;
  /** bureau call-backs to the hub that it accepted: receipts, feedback */
  receipts: number;
  feedback: number;
  /** notices whose call-back failed */
  failed: number;
}

interface WithTally {
  tally?: () => { receipts: number; feedback: number; failed: number };
}

const taken = (r: Received) => r.status >= 200 && r.status < 300 && !r.duplicate && !r.path.startsWith("/__sim/");

async function main(): Promise<void> {
  const system = process.env.BENCH_SIM_SYSTEM ?? "";
  const spec = adapterBySystem(system);
  if (!spec?.simulator) throw new Error(`BENCH_SIM_SYSTEM=${system}: no adapter with a simulator by that name`);
  const sim = spec.simulator.create(
    { ordersPerMinute: 0, dispatchSamples: false, unitAcceptMs: ms("SIM_UNIT_ACCEPT_MS", 50), unitWorkMs: ms("SIM_UNIT_WORK_MS", 150), callbackDelayMs: ms("SIM_CALLBACK_DELAY_MS", 150) },
    () => undefined,
  ) as AdapterSimulator & { received: Received[] } & WithTally;
  // BENCH_SIM_SILENT=1 (diagnostic): a bureau takes every notice and never calls back
  const withBehaviour = sim as unknown as { setBehaviour?: (id: string, b: { silent: boolean }) => void };
  if (process.env.BENCH_SIM_SILENT === "1") withBehaviour.setBehaviour?.("*", { silent: true });
  const url = await sim.start(0);
  // the bureaus' tally (kit/bureau.ts): the unit simulator takes notices and does not call back for them
  let counted = 0;
  const tally = { taken: 0, alone: 0, batches: new Set<number>() };
  const calls = () => (typeof sim.tally === "function" ? sim.tally() : { receipts: 0, feedback: 0, failed: 0 });
  serveParent(
    {
      setHub(a: { url: string; key: string }) {
        sim.setHub(a.url, a.key);
        return true;
      },
      count(): SimCount {
        // only what arrived since the last count is looked at: this is polled ten times a second during the run
        for (; counted < sim.received.length; counted++) {
          const r = sim.received[counted];
          if (!taken(r)) continue;
          tally.taken++;
          if (r.batch) tally.batches.add(r.batch);
          else tally.alone++;
        }
        return { taken: tally.taken, requests: sim.received.length, carriers: tally.alone + tally.batches.size, ...calls() };
      },
      received(a: { file?: string } | null): TakenMessage[] {
        const out: TakenMessage[] = [];
        const lines: string[] = [];
        for (const r of sim.received) {
          if (!taken(r)) continue;
          const text = JSON.stringify(r.body);
          out.push({ at: Date.parse(r.at), path: r.path, decisions: [...new Set(text.match(DECISION_NO) ?? [])] });
          if (a?.file) lines.push(JSON.stringify({ system, method: r.method, path: r.path, idempotencyKey: r.idempotencyKey, body: r.body, ...(r.batch ? { batch: r.batch } : {}) }));
        }
        if (a?.file) fs.writeFileSync(a.file, lines.length ? `${lines.join("\n")}\n` : "");
        return out;
      },
    },
    () => sim.stop(),
  );
  announceReady({ system, url });
}

main().catch(failStart);
