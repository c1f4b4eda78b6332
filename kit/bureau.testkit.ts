/**
 * For bureau simulator tests: a bureau's simulator started against a stub of the hub that runs
 * the bureau's own inbound routes (hubStub), a way to send it a canonical notice through the
 * adapter's wire builder, and a short wait. Registers its own beforeAll/afterAll.
 */
import type { BureauNotice } from "../contracts/types";
import type { AdapterSpec } from "./adapter";
import { hubStub, type BureauSimulator } from "./bureau";

export function bureauSimulatorUnderTest(spec: AdapterSpec, sim: BureauSimulator) {
  const t: { hub: Awaited<ReturnType<typeof hubStub>>; sim: BureauSimulator; send(p: BureauNotice): Promise<Response>; until(ok: () => boolean): Promise<void> } = {
    hub: undefined as never,
    sim,
    send(p: BureauNotice) {
      const req = spec.commands.notice!.build(p, null);
      return fetch(`${sim.url}${req.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
    },
    async until(ok: () => boolean) {
      for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!ok()) throw new Error("timed out");
    },
  };
  beforeAll(async () => {
    t.hub = await hubStub(spec);
    await sim.start(0);
    sim.setHub(t.hub.url, `demo-${spec.system}-key`);
  });
  afterAll(async () => {
    await sim.stop();
    await t.hub.stop();
  });
  return t;
}
