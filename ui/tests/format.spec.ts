import { describe, expect, it } from "vitest";
import { i18n } from "../src/i18n";
import {
  checkDeadline, cleanPath, countLabel, formatBytes, formatDateTime, formatInt, formatPercent, formatPlate,
  isAbsolutePath, isFinished, workingDaysLabel, workingDaysLevel, weekdayOf,
} from "../src/utils/format";

const t = i18n.global.t as unknown as Parameters<typeof workingDaysLabel>[1];

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

  it("levels drive the colour", () => {
    expect(workingDaysLevel(-1)).toBe("overdue");
    expect(workingDaysLevel(0)).toBe("today");
    expect(workingDaysLevel(2)).toBe("soon");
    expect(workingDaysLevel(5)).toBe("ok");
    expect(isFinished("closed")).toBe(true);
    expect(isFinished("transferred")).toBe(true);
    expect(isFinished("submitted")).toBe(false);
    expect(isFinished("returned")).toBe(false);
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

  it("paths", () => {
    expect(cleanPath(' "C:\\证据\\照片.jpg" ')).toBe("C:\\证据\\照片.jpg");
    expect(isAbsolutePath("/home/li/a.pdf")).toBe(true);
    expect(isAbsolutePath("C:\\a.pdf")).toBe(true);
    expect(isAbsolutePath("a.pdf")).toBe(false);
  });
});
