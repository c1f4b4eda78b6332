/**
 * For bureau simulator tests: a bureau's simulator started against a stub of the hub that runs
 * the bureau's own inbound routes (hubStub), a way to send it a canonical notice through the
 * adapter's wire builder (and a case command for a unit), and a short wait. Registers its own beforeAll/afterAll.
 */
import type { BureauNotice, HandlerRecall, HandlerTask, HandlerUrge } from "../contracts/types";
import type { AdapterSpec } from "./adapter";
import { hubStub, type BureauSimulator } from "./bureau";

export function bureauSimulatorUnderTest(spec: AdapterSpec, sim: BureauSimulator) {
  const post = (req: { path: string; body: unknown }) => fetch(`${sim.url}${req.path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
  const t: {
    hub: Awaited<ReturnType<typeof hubStub>>;
    sim: BureauSimulator;
    send(p: BureauNotice): Promise<Response>;
    /** a case command (task, urge, recall) for a unit, through the adapter's builder */
    sendCase(kind: "task", p: HandlerTask, unitId: string): Promise<Response>;
    sendCase(kind: "urge", p: HandlerUrge, unitId: string): Promise<Response>;
    sendCase(kind: "recall", p: HandlerRecall, unitId: string): Promise<Response>;
    until(ok: () => boolean): Promise<void>;
  } = {
    hub: undefined as never,
    sim,
    send(p: BureauNotice) {
      return post(spec.commands.notice!.build(p, null));
    },
    sendCase(kind: "task" | "urge" | "recall", p: HandlerTask | HandlerUrge | HandlerRecall, unitId: string) {
      return post(spec.commands[kind]!.build(p as unknown as Record<string, unknown>, unitId));
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
