import { describe, expect, it } from "vitest";
import { i18n } from "../src/i18n";
import {
  checkDeadline, clockLevel, clockNameKey, dueLevel, countLabel, formatBytes, formatDateTime, formatInt, formatPercent,
  formatPlate, isFinished, minutesLabel, timeLeftLabel, workingDaysLabel, weekdayOf,
} from "../src/utils/format";

const t = i18n.global.t as unknown as Parameters<typeof workingDaysLabel>[1];

describe("a working-days clock's style", () => {
  it("is overdue below 0 and due soon at 1 day or less", () => {
    expect([-1, 0, 1, 2].map(dueLevel)).toEqual(["is-overdue", "is-soon", "is-soon", ""]);
  });
});

describe("working-days label", () => {
  it("speaks Chinese by default", () => {
    i18n.global.locale.value = "zh-CN";
    expect(workingDaysLabel(2, t)).toBe("剩余 2 个工作日");
    expect(workingDaysLabel(0, t)).toBe("今日到期");
    expect(workingDaysLabel(-3, t)).toBe("逾期 3 个工作日");
  });

  it("pluralises in English", () => {
    i18n.global.locale.value = "en";
    expect(workingDaysLabel(1, t)).toBe("1 working day left");
    expect(workingDaysLabel(5, t)).toBe("5 working days left");
    expect(workingDaysLabel(0, t)).toBe("Due today");
    expect(workingDaysLabel(-1, t)).toBe("Overdue by 1 working day");
    expect(workingDaysLabel(-4, t)).toBe("Overdue by 4 working days");
    i18n.global.locale.value = "zh-CN";
  });

  it("closed and transferred orders run no clock", () => {
    expect(isFinished("closed")).toBe(true);
    expect(isFinished("transferred")).toBe(true);
    expect(isFinished("submitted")).toBe(false);
    expect(isFinished("returned")).toBe(false);
  });
});

describe("minutes clocks", () => {
  it("speak hours and minutes in Chinese", () => {
    i18n.global.locale.value = "zh-CN";
    expect(minutesLabel(80, t)).toBe("剩余 1 小时 20 分");
    expect(minutesLabel(120, t)).toBe("剩余 2 小时");
    expect(minutesLabel(35, t)).toBe("剩余 35 分钟");
    expect(minutesLabel(-35, t)).toBe("超时 35 分钟");
    expect(minutesLabel(-125, t)).toBe("超时 2 小时 5 分");
    expect(minutesLabel(-(3 * 1440 + 4 * 60 + 9), t)).toBe("超时 3 天 4 小时");
    expect(minutesLabel(0, t)).toBe("即将超时");
  });

  it("and in English", () => {
    i18n.global.locale.value = "en";
    expect(minutesLabel(80, t)).toBe("1 h 20 min left");
    expect(minutesLabel(-35, t)).toBe("35 min overdue");
    expect(minutesLabel(-1500, t)).toBe("1 d 1 h overdue");
    expect(minutesLabel(0, t)).toBe("Due now");
    i18n.global.locale.value = "zh-CN";
  });

  it("time left picks the clock's unit", () => {
    i18n.global.locale.value = "zh-CN";
    expect(timeLeftLabel({ unit: "minutes", left: 80 }, t)).toBe("剩余 1 小时 20 分");
    expect(timeLeftLabel({ unit: "working_days", left: 2 }, t)).toBe("剩余 2 个工作日");
    expect(timeLeftLabel({ unit: "working_days", left: 0 }, t)).toBe("今日到期");
    expect(timeLeftLabel({ unit: "working_days", left: -3 }, t)).toBe("逾期 3 个工作日");
  });
});

describe("whose clock, and its colour", () => {
  it("red only when the user's own clock is overdue; amber within 1 working day or 60 minutes", () => {
    expect(clockLevel({ unit: "working_days", left: -3 }, true)).toBe("overdue");
    expect(clockLevel({ unit: "working_days", left: 0 }, true)).toBe("soon");
    expect(clockLevel({ unit: "working_days", left: 1 }, true)).toBe("soon");
    expect(clockLevel({ unit: "working_days", left: 2 }, true)).toBe("ok");
    expect(clockLevel({ unit: "minutes", left: -1 }, true)).toBe("overdue");
    expect(clockLevel({ unit: "minutes", left: 60 }, true)).toBe("soon");
    expect(clockLevel({ unit: "minutes", left: 61 }, true)).toBe("ok");
  });

  it("someone else's clock is neutral, late or not", () => {
    expect(clockLevel({ unit: "working_days", left: -5 }, false)).toBe("others");
    expect(clockLevel({ unit: "minutes", left: -30 }, false)).toBe("others");
    expect(clockLevel({ unit: "working_days", left: 0 }, false)).toBe("others");
  });

  it("names the clock by its owner (the supervisor's by what it waits for)", () => {
    expect(clockNameKey("enterprise", "rectifying")).toBe("enterprise");
    expect(clockNameKey("supervisor", "submitted")).toBe("spot_check");
    expect(clockNameKey("supervisor", "returned")).toBe("reassign");
    expect(clockNameKey("authority", "awaiting_feedback")).toBe("authority");
  });
});

describe("formats", () => {
  it("counts with separators and a cap", () => {
    i18n.global.locale.value = "zh-CN";
    expect(formatInt(1234)).toBe("1,234");
    expect(countLabel({ total: 1234, capped: false }, t)).toBe("共 1,234 条");
    expect(countLabel({ total: 10000, capped: true }, t)).toBe("10,000+ 条");
  });

  it("dates, percentages, sizes, plates", () => {
    expect(formatDateTime("2026-11-24 14:03")).toBe("2026-11-24 14:03");
    expect(formatDateTime("2026-11-24T14:03:59+08:00")).toBe("2026-11-24 14:03");
    expect(formatPercent(0.9112)).toBe("91.1%");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatPlate("豫A12345")).toBe("豫A·12345");
    expect(weekdayOf("2026-11-24")).toBe(2);
  });

  it("deadline checks", () => {
    expect(checkDeadline("", "2026-11-24")).toBe("deadline");
    expect(checkDeadline("2026-13-01", "2026-11-24")).toBe("deadlineFormat");
    expect(checkDeadline("2026-11-23", "2026-11-24")).toBe("deadlinePast");
    expect(checkDeadline("2026-11-24", "2026-11-24")).toBeNull();
  });
});
