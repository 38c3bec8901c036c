// Renders the backend's messages (an error's key and parameters) from the catalogues in
// assets/messages, the same files the Rust side renders from for the CLI: one text per language.
import zhCN from "../../../assets/messages/zh-CN.json";
import en from "../../../assets/messages/en.json";
import type { Message } from "../bindings/Message";
import type { Param } from "../bindings/Param";
import type { Refusal } from "../bindings/Refusal";
import type { RefusalText } from "../bindings/RefusalText";
import type { AppLocale } from ".";

/** One language's catalogue: sections of named strings. */
export type Catalogue = {
  error: Record<string, string>;
  whitelistReason: { clean_interceptions: string };
  refusalReason: Record<string, string>;
  refusalAdvice: Record<string, string>;
  refusalParam: Record<string, string>;
} & Record<string, unknown>;

export const catalogues: Record<AppLocale, Catalogue> = { "zh-CN": zhCN, en };

/** The catalogue section a typed parameter's name is looked up in (the Rust side's `Param`). */
const SECTION: Record<Exclude<Param["kind"], "text">, string> = {
  status: "status",
  role: "role",
  action: "action",
  field: "field",
  term: "term",
  whitelist_kind: "whitelistKind",
  measure: "measure",
  configuration: "configuration",
  verdict: "verdict",
};

/** Replaces each `{name}` by its value; an unknown name stays as written (as in Rust's `fill`). */
export function fill(template: string, value: (name: string) => string | undefined): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => value(name) ?? whole);
}

/** The `{name}` placeholders of a template. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
}

function lookup(cat: Catalogue, section: string, key: string): string | undefined {
  const s = cat[section];
  if (typeof s !== "object" || s === null) return undefined;
  const v = (s as Record<string, unknown>)[key];
  return typeof v === "string" ? v : undefined;
}

/** A parameter in a language: data as it is, a name from its section. */
export function paramText(p: Param, cat: Catalogue): string {
  if (p.kind === "text") return p.value;
  return lookup(cat, SECTION[p.kind], p.value) ?? p.value;
}

/** The message in `locale`; its key when the catalogue lacks it (caught by the tests). */
export function renderMessage(m: Message, locale: AppLocale, cats: Record<AppLocale, Catalogue> = catalogues): string {
  const cat = cats[locale];
  const template = cat.error[m.key];
  if (template === undefined) return m.key;
  return fill(template, (name) => {
    const p = m.params[name];
    return p === undefined ? undefined : paramText(p, cat);
  });
}

/** The hub's own text of a refusal in `locale` (the other language when that one is empty). */
export function hubText(r: Pick<Refusal, "message_zh" | "message_en">, locale: AppLocale): string {
  return locale === "en" ? r.message_en || r.message_zh : r.message_zh || r.message_en;
}

/**
 * Why the hub refused an action and what to do, from the catalogue by its code and parameters
 * (as the Rust side's `Catalogue::refusal`); a parameter named in `refusalParam` is a code looked
 * up in that section. A code the catalogue does not know, or a refusal without the parameters
 * its texts show (recorded before they travelled), gives the hub's own text and no advice.
 */
export function renderRefusal(
  r: Pick<Refusal, "code" | "params" | "message_zh" | "message_en">,
  locale: AppLocale,
  cats: Record<AppLocale, Catalogue> = catalogues,
): RefusalText {
  const cat = cats[locale];
  const reason = cat.refusalReason[r.code];
  const advice = cat.refusalAdvice[r.code];
  const params = r.params ?? {};
  const complete = reason !== undefined && advice !== undefined && [...placeholders(reason), ...placeholders(advice)].every((n) => params[n] !== undefined);
  if (!complete) return { reason: hubText(r, locale), advice: null };
  const value = (name: string) => {
    const v = params[name];
    if (v === undefined) return undefined;
    const section = cat.refusalParam[name];
    return (section ? lookup(cat, section, v) : undefined) ?? v;
  };
  return { reason: fill(reason, value), advice: fill(advice, value) };
}
