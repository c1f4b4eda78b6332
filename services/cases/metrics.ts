/**
 * Prometheus gauges of the cases service (METRICS_PORT): cases by status and overdue, the same
 * figures as GET /api/v1/flow, refreshed every 15 s. The outbox service has its own.
 */

import { labels } from "../../contracts";
import type { CasesMixin, CasesThis } from "../cases.service";

export const CaseMetrics: CasesMixin = {
  started(this: CasesThis) {
    if (!this.broker.isMetricsEnabled()) return;
    const m = this.broker.metrics;
    m.register({ name: "tongguan.cases", type: "gauge", labelNames: ["status"], description: "cases by status" });
    m.register({ name: "tongguan.cases.overdue", type: "gauge", description: "cases still with a unit after their handling deadline" });
    const statuses = Object.keys(labels("CaseStatus"));
    const refresh = async () => {
      if (!this.sql) return; // the store is opened by the service's own started()
      try {
        const s = (await this.actions.stats()) as { cases: Record<string, number>; overdue: number };
        for (const st of statuses) m.set("tongguan.cases", s.cases[st] ?? 0, { status: st });
        m.set("tongguan.cases.overdue", s.overdue);
      } catch (e) {
        this.logger.warn(`metrics refresh failed: ${(e as Error).message}`);
      }
    };
    setTimeout(() => void refresh(), 500).unref();
    this.gaugeTimer = setInterval(() => void refresh(), 15_000);
    this.gaugeTimer.unref();
  },
  stopped(this: CasesThis) {
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
  },
};
