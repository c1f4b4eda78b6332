import { getSchema } from "../../contracts";
import type { EnforcementSanction } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { HubError } from "../../kit/errors";
import { callerRoles, deliverer, mayCall } from "../index";
import { SCHEMA } from "./mapping";
import { SAMPLE } from "./simulator";
import { ENFORCEMENT_ROLE, enforcement } from "./spec";

// Generic checks (contract, examples, every route through a fake hub, the simulator) are in
// adapters/conformance.test.ts; here only what is particular to the enforcement system.

const [route] = enforcement.routes;
const [company] = getSchema(SCHEMA.sanction).examples as EnforcementSanction[];

describe("enforcement spec", () => {
  it("declares itself: a source under /v1/sanctions with its sanction and commitment routes, no commands, one caller role", () => {
    expect(enforcement.system).toBe("enforcement");
    expect(enforcement.basePath).toBe("/v1/sanctions");
    expect(enforcement.roles).toEqual(["source"]);
    expect(enforcement.routes.map((r) => `${r.method} ${r.path} ${r.kind} ${r.schema}`)).toEqual([
      "POST / sanction tongguan:enforcement/sanction",
      "POST /commitments commitment tongguan:enforcement/commitment",
    ]);
    expect(enforcement.commands).toEqual({});
    expect(enforcement.callers).toEqual([{ role: ENFORCEMENT_ROLE, label: "行政执法系统", demoKey: "demo-enforcement-key" }]);
    expect(enforcement.simulator?.role).toBe(ENFORCEMENT_ROLE);
    expect(enforcement.settings.map((s) => s.env)).toEqual(["EXT_ENFORCEMENT_URL", "EXT_ENFORCEMENT_API_KEY", "SIM_ENFORCEMENT_PORT"]);
  });

  it("is registered: its callers hold role enforcement, and the hub sends it nothing", () => {
    expect(callerRoles()).toContainEqual({ role: "enforcement", label: "行政执法系统", demoKey: "demo-enforcement-key", system: "enforcement" });
    expect(mayCall(enforcement, "enforcement", {})).toBe(true);
    expect(mayCall(enforcement, "hotline12345", {})).toBe(false);
    expect(deliverer("reply", { origin: "enforcement" })).toBeNull();
    expect(deliverer("sign", { origin: "enforcement" })).toBeNull();
  });

  it("a new decision: one credit.sanction call with {sanction, flags}, answered 202 {sanctionId}", async () => {
    const hub = fakeHub(() => ({ sanctionId: "SN-1", duplicate: false }));
    await expect(route.handle(structuredClone(company), {}, hub)).resolves.toEqual({ status: 202, body: { sanctionId: "SN-1" } });
    expect(hub.calls.map((c) => c.action)).toEqual(["sanctions.sanction"]);
    expect(Object.keys(hub.calls[0].params).sort()).toEqual(["flags", "sanction"]);
    expect(hub.calls[0].params.flags).toEqual([]);
    expect(hub.calls[0].params.sanction).toMatchObject({ decisionNo: company.行政处罚决定书文号, party: { creditCode: SAMPLE.transport.creditCode }, vehicles: [{ plate: "苏D3K271" }] });
  });

  it("a known decision number: 200 {sanctionId, duplicate: true}", async () => {
    const hub = fakeHub(() => ({ sanctionId: "SN-1", duplicate: true }));
    await expect(route.handle(structuredClone(company), {}, hub)).resolves.toEqual({ status: 200, body: { sanctionId: "SN-1", duplicate: true } });
  });

  it("a verified pilot code goes to the credit service with its flag", async () => {
    const hub = fakeHub(() => ({ sanctionId: "SN-2", duplicate: false }));
    await route.handle({ ...structuredClone(company), 统一社会信用代码: "91350211M0000XUF46", creditCodeVerified: true }, {}, hub);
    expect(hub.calls[0].params.flags).toEqual(["creditCodeChecksumFailedButVerified"]);
    expect(hub.calls[0].params.sanction.party).toMatchObject({ creditCode: "91350211M0000XUF46", creditCodeVerified: true });
  });

  it("a failed identity check is a 422 naming the field and the rule, and the hub is not called", async () => {
    const hub = fakeHub();
    let err: unknown;
    try {
      await route.handle({ ...structuredClone(company), 统一社会信用代码: SAMPLE.badCode.creditCode }, {}, hub);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe(422);
    expect(((err as HubError).data as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ pointer: "/统一社会信用代码", rule: "creditCode.check" })]);
    expect(hub.calls).toEqual([]);
  });

  it("a refusal of the credit service propagates", async () => {
    const hub = fakeHub(() => {
      throw new HubError(409, "CONFLICT", "冲突", "conflict");
    });
    await expect(route.handle(structuredClone(company), {}, hub)).rejects.toMatchObject({ code: 409 });
  });
});

describe("the OpenAPI document of the credit routes", () => {
  // imported here (not at the top) so the spec tests above do not depend on the document builder
  const { buildOpenApi } = require("../../lib/openapi") as typeof import("../../lib/openapi");
  const { ADAPTERS } = require("../index") as typeof import("../index");
  const { API } = require("../../lib/api") as typeof import("../../lib/api");
  const doc = buildOpenApi(ADAPTERS, API, "0.0.0-test") as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const answerOf = (path: string, status: string) => doc.paths[path]?.post?.responses[status]?.content?.["application/json"]?.schema.$ref;

  it("POST /api/v1/sanctions is listed without a trailing slash and answers a sanction, not a case", () => {
    expect(Object.keys(doc.paths)).toContain("/api/v1/sanctions");
    expect(Object.keys(doc.paths)).not.toContain("/api/v1/sanctions/");
    expect(answerOf("/api/v1/sanctions", "202")).toBe("#/components/schemas/SanctionAccepted");
    expect(answerOf("/api/v1/sanctions", "200")).toBe("#/components/schemas/SanctionDuplicate");
    expect(answerOf("/api/v1/sanctions/commitments", "202")).toBe("#/components/schemas/CommitmentAccepted");
    expect(answerOf("/api/v1/sanctions/commitments", "200")).toBe("#/components/schemas/CommitmentDuplicate");
  });

  it("the credit platform's repair and level routes answer their own shapes", () => {
    expect(answerOf("/api/v1/credit/repairs", "200")).toBe("#/components/schemas/RepairAck");
    expect(answerOf("/api/v1/credit/levels", "200")).toBe("#/components/schemas/LevelAck");
    for (const name of ["SanctionAccepted", "SanctionDuplicate", "CommitmentAccepted", "CommitmentDuplicate", "RepairAck", "LevelAck", "NoticeAck"])
      expect(doc.components.schemas).toHaveProperty(name);
  });
});
