/**
 * 住建 (housing and urban-rural construction) as a bureau (kit/bureau.ts): joint-punishment
 * notices about a company and its ongoing projects in housing's own format, receipts and feedback back;
 * and the cases routed to housing units (units.json `adapter: "housing"`) as complaint work orders
 * naming the project and company, with sign/reply/postpone/return back. The wire is the mapping's
 * `WIRE` (kit/bureau-wire.ts); here the titles and summaries.
 */
import type { AdapterSpec } from "../../kit/adapter";
import { bureauAdapter } from "../../kit/bureau-wire";
import { readFeedback, toHousingNotice, toHousingTask, WIRE } from "./mapping";
import { createHousingSimulator } from "./simulator";

export const housing: AdapterSpec = bureauAdapter(WIRE, {
  title: "住房和城乡建设局",
  callerLabel: "住建局联合惩戒接口",
  urlExample: "https://zjj.example.gov.cn/credit-api",
  receipt: "抄告签收：住建签收联合惩戒抄告或撤销抄告 / housing signs for a notice",
  feedback: {
    summary: "措施落实情况：逐项反馈招投标、资质、在建项目限制的落实情况 / housing reports per restriction and project",
    needs: [{ fields: ["results", "summary"], zh: "至少需要逐项落实情况或落实情况说明之一", en: "results or a summary are needed" }],
    read: readFeedback,
  },
  notice: { summary: "联合惩戒抄告：对企业及其在建项目限制招投标、资质，撤销抄告时解除 / restrictions on a company and its projects", build: toHousingNotice },
  receiptRequest: "催签收/催反馈 / remind housing of a due receipt or feedback",
  cases: {
    task: { summary: "派发投诉工单：承办单位、涉及项目（小区）与企业 / a case to a housing unit, with its project and company", build: toHousingTask },
    urge: "工单预警/催办/督办 / urge or supervise a housing unit",
    recall: "工单撤回 / recall a work order (the case moved elsewhere)",
    accept: "工单签收：住建承办单位签收投诉工单 / a housing unit signs for its work order",
    result: "工单回复：办理结果、答复内容及项目/企业整改情况 / a housing unit replies",
    extension: "工单延期申请 / a housing unit asks for more time",
    refuse: "工单退回：非本单位职责 / a housing unit refuses the work order",
  },
  simulator: createHousingSimulator,
});
