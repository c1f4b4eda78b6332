import http from "node:http";
import type { AddressInfo } from "node:net";
import { validate } from "../../contracts";
import { checkSanction, SCHEMA } from "./mapping";
import { EnforcementSimulator, sampleDecisions } from "./simulator";

/** A stand-in for the hub's gateway: checks each decision like intake + the adapter would, answers like credit.sanction. */
async function startFakeHub() {
  const calls: { path: string; apiKey?: string; body: any }[] = [];
  const known = new Set<string>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    calls.push({ path: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined, body });
    const v = validate(SCHEMA.sanction, body);
    const r = v.ok ? checkSanction(body) : { ok: false as const, errors: v.errors };
    const no = body?.行政处罚决定书文号;
    const [status, answer] = !r.ok
      ? [422, { error: { code: "IDENTITY_INVALID", message: "拒收", messageEn: "refused", errors: r.errors } }]
      : known.has(no)
        ? [200, { sanctionId: `SN-${no}`, duplicate: true }]
        : [202, { sanctionId: `SN-${no}` }];
    if (r.ok) known.add(no);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { calls, url, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe("EnforcementSimulator", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let sim: EnforcementSimulator;
  const lines: string[] = [];

  beforeEach(async () => {
    lines.length = 0;
    hub = await startFakeHub();
    sim = new EnforcementSimulator({ log: (l) => lines.push(l) });
    await sim.start(0);
    sim.setHub(hub.url, "demo-enforcement-key");
  });
  afterEach(async () => {
    await sim.stop();
    await hub.close();
  });

  it("posts the nine sample decisions to /api/v1/sanctions with its key: eight accepted, the bad code refused", async () => {
    const out = await sim.dispatchSamples();
    expect(hub.calls).toHaveLength(9);
    for (const c of hub.calls) expect(c).toMatchObject({ path: "/api/v1/sanctions", apiKey: "demo-enforcement-key" });
    expect(out.map((o) => o.status)).toEqual([202, 202, 202, 202, 202, 202, 202, 202, 422]);
    expect(sim.posted).toEqual(out);
    expect(lines.filter((l) => l.includes("中枢受理"))).toHaveLength(8);
    expect(lines[8]).toContain("被中枢拒绝：HTTP 422");
  });

  it("posted again, the same decisions are duplicates", async () => {
    await sim.dispatchSamples();
    const again = await sim.dispatchSamples();
    expect(again.map((o) => o.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 422]);
    expect(lines.some((l) => l.includes("重复报送"))).toBe(true);
  });

  it("posts on demand over HTTP (POST /__sim/samples), and not when the hub becomes ready", async () => {
    await sim.hubReady();
    expect(hub.calls).toHaveLength(0);
    const res = await fetch(`${sim.url}/__sim/samples`, { method: "POST" });
    expect(res.status).toBe(200);
    expect((await res.json()).posted).toHaveLength(sampleDecisions().length);
    expect(hub.calls).toHaveLength(9);
  });

  it("posts on ready when told to", async () => {
    const eager = new EnforcementSimulator({ dispatchSamplesOnReady: true, hubUrl: hub.url });
    await eager.start(0);
    try {
      await eager.hubReady();
      expect(hub.calls).toHaveLength(9);
    } finally {
      await eager.stop();
    }
  });

  it("without a hub URL it answers status 0 and posts nothing", async () => {
    const lone = new EnforcementSimulator();
    const out = await lone.dispatchSamples(sampleDecisions().slice(0, 1));
    expect(out[0].status).toBe(0);
  });
});
