/**
 * The 12345 platform and the handling units, simulated in a process of their own (the
 * adapters' simulator classes, with the hub's test timings), so that the hub process's CPU and
 * memory figures are the hub's alone. The hub is pointed at them with EXT_HOTLINE12345_URL and
 * EXT_UNITS_URL; once the hub is up, the orchestrator sends `setHub` with its URL and keys.
 * 签收 times are read over the simulator's own API: GET <hotline12345 url>/__sim/received.
 *
 * Timings (milliseconds, the same settings the hub reads for its built-in simulators):
 *   SIM_UNIT_ACCEPT_MS, SIM_UNIT_WORK_MS, SIM_CALLBACK_DELAY_MS
 */
import { Hotline12345Simulator } from "../adapters/hotline12345/simulator";
import { UnitSimulator } from "../adapters/unit/simulator";
import { announceReady, failStart, serveParent } from "./lib";

const ms = (name: string, def: number) => Number(process.env[name] ?? def);

async function main(): Promise<void> {
  const quiet = () => undefined;
  const hotline = new Hotline12345Simulator({ callbackDelayMs: ms("SIM_CALLBACK_DELAY_MS", 150), log: quiet });
  const unit = new UnitSimulator({ acceptDelayMs: ms("SIM_UNIT_ACCEPT_MS", 50), workMs: ms("SIM_UNIT_WORK_MS", 150), log: quiet });
  const urls = { hotline12345: await hotline.start(0), unit: await unit.start(0) };
  serveParent(
    {
      setHub(a: { url: string; hotlineKey: string; unitsKey: string }) {
        hotline.setHub(a.url, a.hotlineKey);
        unit.setHub(a.url, a.unitsKey);
        return urls;
      },
    },
    async () => {
      await hotline.stop();
      await unit.stop();
    },
  );
  announceReady(urls);
}

main().catch(failStart);
