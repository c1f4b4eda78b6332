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
    if (!cron.validate(cfg.triageSweepCron)) throw new Error(`配置错误 TRIAGE_SWEEP_CRON=${cfg.triageSweepCron}: 不是合法的 cron 表达式 / not a valid cron expression`);
    this.jobs = [
      cron.schedule(cfg.triageSweepCron, async () => {
        try {
          const r = await this.broker.call<{ returned: number }>("cases.sweepTriage");
          if (r.returned) this.logger.info(`分拨超时退单 ${r.returned} 件`);
        } catch (e) {
          this.logger.warn(`triage sweep failed: ${(e as Error).message}`);
        }
      }, { name: "triage-sweep", noOverlap: true }),
    ];
  },

  async stopped(this: This) {
    for (const j of this.jobs ?? []) await j.destroy();
  },
};

export default ScheduleService;
