/**
 * schedule — the hub's clock (node-cron). Owns no table: each job is one action call on the
 * service that owns the data. Running it on several nodes is harmless (each change locks its
 * case and re-checks the lifecycle).
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../lib/config";

interface Vars {
  jobs: ScheduledTask[];
}
type This = Vars & { broker: Context["broker"]; logger: Context["broker"]["logger"] };

const ScheduleService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> = {
  name: "schedule",
  dependencies: ["cases"],

  started(this: This) {
    const cfg = config();
    const job = (setting: string, expr: string, name: string, action: string, report: (r: Record<string, number>) => string | undefined) => {
      if (!cron.validate(expr)) throw new Error(`配置错误 ${setting}=${expr}: 不是合法的 cron 表达式 / not a valid cron expression`);
      return cron.schedule(
        expr,
        async () => {
          try {
            const line = report(await this.broker.call<Record<string, number>>(action));
            if (line) this.logger.info(line);
          } catch (e) {
            this.logger.warn(`${name} failed: ${(e as Error).message}`);
          }
        },
        { name, noOverlap: true },
      );
    };
    this.jobs = [
      job("TRIAGE_SWEEP_CRON", cfg.triageSweepCron, "triage-sweep", "cases.sweepTriage", (r) => (r.returned ? `分拨超时退单 ${r.returned} 件` : undefined)),
      job("DEADLINE_SWEEP_CRON", cfg.deadlineSweepCron, "deadline-sweep", "cases.sweepDeadlines", (r) => (r.urged ? `超时自动催办/督办 ${r.urged} 件` : undefined)),
    ];
  },

  async stopped(this: This) {
    for (const j of this.jobs ?? []) await j.destroy();
  },
};

export default ScheduleService;
