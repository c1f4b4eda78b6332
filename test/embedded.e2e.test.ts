/**
 * The embedded profile (what `npm start` runs): no transporter, PGlite in a data folder, the
 * simulators in-process. The same loop must complete, and a restart on the same folder keeps
 * every case (migrations are safe to run twice).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sampleDecisions } from "../adapters/enforcement/simulator";
import { startTestHub, testEnv, http, waitFor, DEMO } from "./harness";

jest.setTimeout(120_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tg-embedded-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("embedded profile (PGlite, no transporter)", () => {
  let caseIds: string[] = [];

  it("runs the whole loop for the samples with the demo keys", async () => {
    const hub = await startTestHub(testEnv({ DATA_DIR: dataDir }));
    try {
      expect(hub.cfg.mode).toBe("embedded");
      expect(hub.cfg.demoKeys).toBe(true);
      const sent = await hub.sims.hotline12345!.dispatchSamples(new Date());
      caseIds = sent.map((r) => r.body.caseId);
      expect(sent.every((r) => r.status === 202)).toBe(true);
      for (const id of caseIds) await waitFor(`case ${id} archived`, async () => (await http(`${hub.url}/api/v1/cases/${id}`, { key: DEMO.agent })).body.status === "ARCHIVED", 40_000);
      const flow = (await http(`${hub.url}/api/v1/flow`, { key: DEMO.engineer })).body;
      expect(flow.cases.ARCHIVED).toBe(8);
      expect(flow.outbox.pending).toBeUndefined();
      expect(flow.inbound.lastHour.accepted).toBeGreaterThanOrEqual(8 * 4); // order, accept, result, callback each
    } finally {
      await hub.stop();
    }
  });

  it("keeps every case across a restart on the same data folder", async () => {
    const hub = await startTestHub(testEnv({ DATA_DIR: dataDir }));
    try {
      const list = (await http(`${hub.url}/api/v1/cases?pageSize=50`, { key: DEMO.agent })).body;
      expect(list.total).toBe(8);
      expect(list.items.map((c: { id: string }) => c.id).sort()).toEqual([...caseIds].sort());
      // the same orders again are duplicates, not new cases
      const again = await hub.sims.hotline12345!.dispatchSamples(new Date());
      expect(again.every((r) => r.status === 200 && r.body.duplicate === true)).toBe(true);
    } finally {
      await hub.stop();
    }
  });

  it("routes by text, proposes in triage and learns from the agent on PGlite too, and keeps what it learned across a restart", async () => {
    const vague = (orderNo: string) => ({
      orderNo,
      receivedAt: new Date().toISOString(),
      appealType: "投诉",
      category: ["其他", "其他诉求"],
      content: "来电人反映楼下晚上经常很吵，影响休息。",
      address: "常州市天宁区局前街",
      region: { city: "常州市", district: "天宁区", street: "天宁街道" },
    });
    let hub = await startTestHub(testEnv({ DATA_DIR: dataDir, ROUTING_LEARN_MS: "300" }));
    let taken: { unitId: string; categoryCode: string };
    try {
      const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: DEMO.hotline12345, body: vague("CZ2612019900001") });
      expect(r.status).toBe(202);
      const c = (await http(`${hub.url}/api/v1/cases/${r.body.caseId}`, { key: DEMO.agent })).body;
      expect(c.status).toBe("TRIAGE");
      expect(c.routing.proposals).toHaveLength(3);
      taken = c.routing.proposals[0];
      expect((await http(`${hub.url}/api/v1/triage/${c.id}/assign`, { key: DEMO.agent, body: { unitId: taken.unitId, categoryCode: taken.categoryCode } })).status).toBe(200);
      await waitFor("the assignment is learned", async () =>
        ((await http(`${hub.url}/api/v1/routing/examples`, { key: DEMO.engineer })).body.items as { caseId: string }[]).some((x) => x.caseId === c.id),
      );
    } finally {
      await hub.stop();
    }
    hub = await startTestHub(testEnv({ DATA_DIR: dataDir, ROUTING_LEARN_MS: "300" }));
    try {
      expect((await http(`${hub.url}/api/v1/routing/examples`, { key: DEMO.engineer })).body.total).toBe(1);
      // the same words again: the classifier learned them from the agent, and dispatches
      const r = await http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: DEMO.hotline12345, body: vague("CZ2612019900002") });
      const c = (await http(`${hub.url}/api/v1/cases/${r.body.caseId}`, { key: DEMO.agent })).body;
      expect(c.status).toBe("DISPATCHED");
      expect(c.owner.unitId).toBe(taken.unitId);
    } finally {
      await hub.stop();
    }
  });

  it("runs a grid event through the 7-step loop to 核查结案 on PGlite too", async () => {
    const hub = await startTestHub(testEnv({ DATA_DIR: dataDir, SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "100", SIM_CALLBACK_DELAY_MS: "100" }));
    try {
      const r = await http(`${hub.url}/api/v1/grid/events`, {
        key: DEMO.grid,
        body: {
          eventId: "GE3204042026120199",
          reportedAt: new Date().toISOString(),
          reporter: { id: "JD0401017", role: "监督员" },
          kind: "事件",
          majorCode: "01",
          minorCode: "02",
          gridCode: "32040400100301",
          address: "钟楼区南大街12号门前",
          description: "人行道旁暴露垃圾",
        },
      });
      expect(r.status).toBe(202);
      const closed = await waitFor(
        "closed after 核查",
        async () => {
          const c = (await http(`${hub.url}/api/v1/cases/${r.body.caseId}`, { key: DEMO.agent })).body;
          return c.status === "ARCHIVED" && c;
        },
        40_000,
        200,
      );
      const steps = (closed.timeline as { type: string }[]).map((e) => e.type);
      for (const s of ["DEADLINE_SET", "ROUTED", "REPLIED", "VERIFICATION_REQUESTED", "VERIFIED", "ARCHIVED"]) expect(steps).toContain(s);
    } finally {
      await hub.stop();
    }
  });

  it("takes sanctions and fans the joint-punishment notices out on PGlite too", async () => {
    const hub = await startTestHub(testEnv({ DATA_DIR: dataDir, SIM_UNIT_ACCEPT_MS: "50", SIM_UNIT_WORK_MS: "100" }));
    try {
      const muck = sampleDecisions(new Date()).slice(0, 5);
      for (const s of muck) expect((await http(`${hub.url}/api/v1/sanctions`, { key: DEMO.enforcement, body: s })).status).toBe(202);
      const company = String(muck[0].统一社会信用代码);
      const record = (await http(`${hub.url}/api/v1/credit/subjects/${company}`, { key: DEMO.engineer })).body;
      expect(record.lists.filter((l: { onList: boolean }) => l.onList)).toHaveLength(1);
      expect(record.notices.map((n: { bureau: string }) => n.bureau)).toEqual(expect.arrayContaining(["housing", "police", "transport"]));
      await waitFor(
        "the bureaus signed",
        async () => {
          const xs = (await http(`${hub.url}/api/v1/notices?subject=${company}`, { key: DEMO.engineer })).body.items as { bureau: string; status: string }[];
          return xs.filter((n) => ["housing", "police", "transport"].includes(n.bureau)).every((n) => n.status !== "sent");
        },
        20_000,
        200,
      );
    } finally {
      await hub.stop();
    }
  });
});
