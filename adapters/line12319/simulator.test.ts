import { validate } from "../../contracts";
import { SimulatorServer } from "../../kit/simulator";
import { SAMPLE_TICKETS, SCHEMA } from "./mapping";
import { Line12319Simulator } from "./simulator";

const at = "2024-06-12T15:30:00+08:00";
const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": `k-${Math.random()}` }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the 12319 simulator", () => {
  // the hub, played by a recording server: opens a case per ticket, acknowledges visits
  const hub = new SimulatorServer("fake-hub", [
    { method: "POST", path: "/api/v1/line12319/tickets", handle: (r) => ({ status: 202, body: { caseId: `TG-${r.body.ticketNo}` } }) },
    { method: "POST", path: "/api/v1/line12319/tickets/:ticketNo/visit", handle: () => ({ status: 200, body: { caseId: "TG1", status: "ARCHIVED" } }) },
  ]);
  const sim = new Line12319Simulator({ callbackDelayMs: 30, dissatisfiedTickets: ["JS-UNHAPPY"], log: () => {} });

  beforeAll(async () => {
    await hub.start();
    await sim.start();
    sim.setHub(hub.url, "k-12319");
  });
  afterAll(async () => {
    await sim.stop();
    await hub.stop();
  });

  it("dispatches its samples as valid tickets with its key", async () => {
    const sent = await sim.dispatchSamples(new Date());
    expect(sent.map((s) => s.status)).toEqual(SAMPLE_TICKETS.map(() => 202));
    const tickets = hub.receivedOn("/api/v1/line12319/tickets");
    expect(tickets).toHaveLength(SAMPLE_TICKETS.length);
    for (const t of tickets) expect(validate(SCHEMA.ticket, t.body).ok).toBe(true);
    expect(sim.ticket(sent[0].ticketNo)).toMatchObject({ dispatched: true, caseId: `TG-${sent[0].ticketNo}` });
  });

  it("takes accept, back and delay in 12319's wire; refuses drift with 400 and the field errors", async () => {
    await expect(post(`${sim.url}/tickets/JS-1/accept`, { signDept: "城管局", signTime: at })).resolves.toMatchObject({ status: 200, body: { code: 0 } });
    await expect(post(`${sim.url}/tickets/JS-1/delay`, { delayTo: at, delayReason: "待料", applyDept: "城管局", applyTime: at })).resolves.toMatchObject({ status: 200 });
    await expect(post(`${sim.url}/tickets/JS-2/back`, { backReason: "非职责", backTime: at })).resolves.toMatchObject({ status: 200 });
    const bad = await post(`${sim.url}/tickets/JS-1/accept`, { unitName: "城管局", signedAt: at });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(["/signDept"]));
    expect(sim.ticket("JS-1")).toMatchObject({ dispatched: false, accepted: { signDept: "城管局" }, delays: [{ delayReason: "待料" }] });
    expect(sim.ticket("JS-2")?.back?.backReason).toBe("非职责");
  });

  it("calls back (回访) after a feedback: 满意, or 不满意 first for a listed ticket", async () => {
    const fb = { handleResult: "已解决", feedbackContent: "已更换井盖", handleDept: "城管局", feedbackTime: at };
    await expect(post(`${sim.url}/tickets/JS-3/feedback`, fb)).resolves.toMatchObject({ status: 200 });
    await expect(post(`${sim.url}/tickets/JS-UNHAPPY/feedback`, fb)).resolves.toMatchObject({ status: 200 });
    const happy = await until(() => hub.receivedOn("/api/v1/line12319/tickets/JS-3/visit")[0]);
    const unhappy = await until(() => hub.receivedOn("/api/v1/line12319/tickets/JS-UNHAPPY/visit")[0]);
    expect(happy.body.visitResult).toBe("满意");
    expect(unhappy.body.visitResult).toBe("不满意");
    for (const v of [happy, unhappy]) expect(validate(SCHEMA.visit, v.body).ok).toBe(true);
    await until(() => sim.ticket("JS-3")?.visits[0]);
    expect(sim.ticket("JS-3")!.visits[0]).toMatchObject({ status: 200 });
  });
});
