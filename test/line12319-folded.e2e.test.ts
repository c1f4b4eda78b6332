/**
 * LINE12319_VIA=hotline12345 (12319 folded into 12345): the 12319 routes are not mounted, no
 * 12319 simulator runs and no EXT_LINE12319_URL is needed; 12319's calls arrive as 12345 work
 * orders through the 12345 adapter. The registry reads the setting when it loads, so it is set
 * before the hub's modules are required.
 */
process.env.LINE12319_VIA = "hotline12345";
const { http, KEYS, postWorkOrder, startProductionHub, workOrder } = require("./harness") as typeof import("./harness");

jest.setTimeout(60_000);

let hub: import("./harness").TestHub;

beforeAll(async () => {
  // a folded system has no role of its own: no key for it
  const keys = Object.entries(KEYS).filter(([role]) => role !== "line12319");
  hub = await startProductionHub({ API_KEYS: keys.map(([r, k]) => `${r}:${k}`).join(",") });
});

afterAll(async () => {
  await hub?.stop();
  delete process.env.LINE12319_VIA;
});

describe("12319 folded into 12345", () => {
  it("mounts no 12319 route and starts no 12319 simulator", async () => {
    expect(Object.keys(hub.sims)).not.toContain("line12319");
    const r = await http(`${hub.url}/api/v1/line12319/tickets`, { key: KEYS.hotline12345, body: { ticketNo: "JS12319-X1", acceptTime: new Date().toISOString() } });
    expect(r.status).toBe(404);
    const doc = (await http(`${hub.url}/api/openapi.json`)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.includes("line12319"))).toEqual([]);
  });

  it("takes a 12319 call as a 12345 work order (origin hotline12345)", async () => {
    const id = await postWorkOrder(hub, workOrder({ channel: "12319热线", category: ["城乡建设", "市政设施", "窨井盖缺失"], title: "窨井盖缺失", address: "常州市钟楼区南大街街道某路" }));
    const c = (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;
    expect(c.origin).toMatchObject({ system: "hotline12345", channel: "12319热线" });
  });
});
