/**
 * The 12345 platform and every system that receives tasks (the generic unit interface, the grid
 * system, the bureaus), simulated in a process of their own — each made by its adapter spec's own
 * factory, with the hub's test timings — so that the hub process's CPU and memory figures are the
 * hub's alone (units on the grid system or a bureau's adapter would otherwise be played by the
 * hub's built-in simulators, in the hub's process). The hub is pointed at them with each
 * system's URL setting (EXT_HOTLINE12345_URL, EXT_UNITS_URL, EXT_GRID_URL, …); once the hub is up,
 * the orchestrator sends `setHub` with its URL and each simulator calls back with its role's key.
 * 签收 times are read over the 12345 simulator's own API: GET <hotline12345 url>/__sim/received.
 *
 * Timings (milliseconds, the same settings the hub reads for its built-in simulators):
 *   SIM_UNIT_ACCEPT_MS, SIM_UNIT_WORK_MS, SIM_CALLBACK_DELAY_MS
 */
import { ADAPTERS } from "../adapters";
import type { AdapterSimulator } from "../kit/adapter";
import { KEYS } from "../test/harness";
import { announceReady, failStart, serveParent } from "./lib";

const ms = (name: string, def: number) => Number(process.env[name] ?? def);

/** The systems a 12345 work order's lifecycle reaches: 12345 itself and every handler of tasks. */
const LIFECYCLE_SYSTEMS = ADAPTERS.filter((a) => a.simulator && (a.system === "hotline12345" || a.commands.task)).map((a) => a.system);

async function main(): Promise<void> {
  const quiet = () => undefined;
  const timings = {
    ordersPerMinute: 0,
    dispatchSamples: false,
    unitAcceptMs: ms("SIM_UNIT_ACCEPT_MS", 50),
    unitWorkMs: ms("SIM_UNIT_WORK_MS", 150),
    callbackDelayMs: ms("SIM_CALLBACK_DELAY_MS", 150),
  };
  const sims: { system: string; role: string; sim: AdapterSimulator }[] = [];
  const urls: Record<string, string> = {};
  for (const a of ADAPTERS.filter((x) => LIFECYCLE_SYSTEMS.includes(x.system))) {
    const sim = a.simulator!.create(timings, quiet);
    urls[a.system] = await sim.start(0);
    sims.push({ system: a.system, role: a.simulator!.role, sim });
  }
  serveParent(
    {
      setHub(a: { url: string }) {
        for (const s of sims) s.sim.setHub(a.url, (KEYS as Record<string, string>)[s.role]);
        return urls;
      },
    },
    async () => {
      for (const s of sims) await s.sim.stop();
    },
  );
  announceReady(urls);
}

main().catch(failStart);
