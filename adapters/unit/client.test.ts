import nock from "nock";
import { HttpClient } from "../../kit/http-client";
import type { UnitTask } from "../../contracts/types";
import { unit } from "./spec";

const task: UnitTask = {
  taskId: "TK-1",
  caseId: "TG1",
  role: "owner",
  rework: 0,
  title: "路灯不亮",
  content: "小区门口路灯连续三晚不亮。",
  appealType: "求助",
  category: { path: ["城乡建设", "市政设施", "路灯不亮"], code: "010203" },
  location: { address: "常州市金坛区某路" },
  urgency: "较急",
  signDeadline: null,
  handleDeadline: null,
  reporter: { confidential: true },
  sentAt: "2024-06-11T08:47:33+08:00",
};

describe("unit task over the kit's HttpClient", () => {
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.restore());

  it("posts the task to the unit's base URL with its Idempotency-Key", async () => {
    const scope = nock("http://unit.test")
      .post("/base/units/CZ-JT-CGJ/tasks", (body) => body.taskId === "TK-1" && body.reporter.confidential === true && !("name" in body.reporter))
      .matchHeader("idempotency-key", "outbox-42")
      .matchHeader("content-type", /application\/json/)
      .reply(200, { taskId: "TK-1", status: "received" });
    const client = new HttpClient({ name: "unit:CZ-JT-CGJ", baseUrl: "http://unit.test/base/" });
    try {
      const res = await client.send(unit.commands.task!.build(task as never, "CZ-JT-CGJ"), "outbox-42");
      expect(res).toEqual({ status: 200, body: { taskId: "TK-1", status: "received" } });
      expect(scope.isDone()).toBe(true);
    } finally {
      client.shutdown();
    }
  });

  it("a 400 from the unit is a permanent delivery error", async () => {
    nock("http://unit.test")
      .post("/units/U1/tasks")
      .reply(400, { error: { code: "VALIDATION_FAILED" } });
    const client = new HttpClient({ name: "unit:U1", baseUrl: "http://unit.test" });
    try {
      await expect(client.send(unit.commands.task!.build(task as never, "U1"), "k")).rejects.toMatchObject({ permanent: true, status: 400 });
    } finally {
      client.shutdown();
    }
  });
});
