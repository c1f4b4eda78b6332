/**
 * What every handler adapter (the generic unit interface, a bureau's case line, …) hands the
 * cases service: the params of cases.unitAccept / unitResult / unitExtension / unitRefuse, the
 * action names, and the reply texts the simulated units write. One place, so a unit reached
 * through the generic interface and one reached through its bureau's own system end in the same
 * hub call.
 */
import type { Outcome, UnitTask } from "../contracts/types";

/** The cases service's actions for a unit's answers on its task. */
export const CASE_ACTIONS = {
  accept: "cases.unitAccept",
  result: "cases.unitResult",
  extension: "cases.unitExtension",
  refuse: "cases.unitRefuse",
} as const;
export type CaseAnswer = keyof typeof CASE_ACTIONS;

/** Which unit's which task: every answer names both (the hub checks the task is that unit's). */
export interface UnitTaskRef {
  unitId: string;
  taskId: string;
}

/** cases.unitAccept // 签收 */
export interface UnitAcceptParams extends UnitTaskRef {
  /** when the unit signed: the message's own time, else when the hub received it */
  at: string;
  /** 经办人, absent when the unit gave none */
  handler?: string;
}

/** cases.unitResult // 办理结果 */
export interface UnitResultParams extends UnitTaskRef {
  outcome: Outcome;
  text: string;
  /** when handling finished: the message's own time, else when the hub received it */
  at: string;
  handler?: string;
}

/** cases.unitExtension // 延期申请 */
export interface UnitExtensionParams extends UnitTaskRef {
  until: string;
  reason: string;
}

/** cases.unitRefuse // 退回 */
export interface UnitRefuseParams extends UnitTaskRef {
  reason: string;
  legalBasis?: string;
}

// ---------------------------------------------------------------------------------------------
// For simulators: what a simulated unit writes back

/** Plausible reply texts (答复内容) keyed by words of the category path; first match wins. */
const REPLIES: Array<[RegExp, string]> = [
  [/占道|摊|市容|广告|违章搭建|违建/, "已安排执法队员到场处置，对占道经营摊点进行劝离并登记，责令当事人自行清理，并已将该路段纳入早晚高峰重点巡查"],
  [/渣土|建筑垃圾|撒漏/, "已联系环卫作业单位对撒漏路面进行冲洗清扫，对涉事运输企业依法立案调查，并约谈工地负责人落实车辆冲洗和密闭运输"],
  [/垃圾|环境卫生|环卫|保洁/, "已通知环卫作业单位完成垃圾清运，并将该点位清运频次调整为每日两次，安排保洁员定时巡查"],
  [/物业/, "已约谈物业服务企业，责令其限期整改并公示整改情况，街道、社区将跟踪督促落实"],
  [/消防通道|停车|交通|道路交通/, "已安排交警到场对占用消防通道车辆依法进行拖移和处罚，并协调物业增设禁停标识和隔离设施"],
  [/路灯|市政|井盖|道路破损/, "已安排市政设施养护单位到场检修，故障已排除，设施恢复正常使用"],
  [/积水|排水|防涝|下水道/, "已派出排水抢险队伍疏通雨水口并启用移动泵车排水，现场积水已消退，后续将对该路段排水管网进行排查改造"],
  [/噪声|噪音/, "已安排执法人员到场核查，责令噪声源单位采取降噪措施，并将持续开展夜间巡查"],
  [/供水|停水|水压/, "已联系供水企业排查管网，故障已修复，供水恢复正常"],
];

/** The reply (答复内容) a simulated unit writes for a task, by category and outcome. */
export function replyText(
  task: { category: Pick<UnitTask["category"], "path"> & Partial<UnitTask["category"]>; reporter: Pick<UnitTask["reporter"], "confidential"> & Partial<UnitTask["reporter"]> },
  outcome: Outcome,
): string {
  const path = task.category.path.join("/");
  const action = REPLIES.find(([re]) => re.test(path))?.[1] ?? "已受理并安排专人到场核实处理";
  const told = task.reporter.confidential ? "处理情况已反馈12345平台。" : "处理情况已电话告知来电人。";
  switch (outcome) {
    case 0:
      return `经核实，${action}。${told}`;
    case 1:
      return `经现场核实，该问题涉及历史遗留及产权争议，本单位已${action.replace(/^已/, "尝试")}，但目前暂无法彻底解决，已向来电人做好解释工作。${told}`;
    case 2:
      return `经核实，${action}；部分问题需协调相关部门后续处理，已列入整改计划。${told}`;
    case 3:
      return "经核实，该诉求不属于本单位办理范围，且无法通过其他途径办理，予以退单。";
  }
}

/** The reason a simulated unit gives when it refuses (退回) a task. */
export function refuseText(title: string): { reason: string; legalBasis: string } {
  return { reason: `经核实，“${title}”不属于本单位职责范围，请重新派单至有管辖权的单位。`, legalBasis: "本单位“三定”方案职责规定（模拟）" };
}
