import { createI18n } from "vue-i18n";
import zhCN from "./zh-CN";
import en from "./en";

export type AppLocale = "zh-CN" | "en";
export const LOCALE_KEY = "casedesk.locale";

export function initialLocale(): AppLocale {
  try {
    return localStorage.getItem(LOCALE_KEY) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale;
}
