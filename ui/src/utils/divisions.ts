// Henan's cities and counties with their division codes, from the same asset the backend embeds
// (assets/divisions/henan.json): no command lists them, and the window needs them for the
// profile switch and for reassigning an order within the supervisor's city.
import henan from "../../../assets/divisions/henan.json";

export type County = { code: string; name: string };
export type City = { code: string; name: string; plate_letter: string; counties: County[] };

export const CITIES: readonly City[] = henan as City[];

/** The city a county belongs to. */
export function cityOf(countyCode: string | null | undefined): City | null {
  if (!countyCode) return null;
  return CITIES.find((c) => c.counties.some((k) => k.code === countyCode)) ?? null;
}

/** The counties of the city that `countyCode` belongs to (a supervisor's jurisdiction). */
export function countiesOfCity(countyCode: string | null | undefined): County[] {
  return cityOf(countyCode)?.counties ?? [];
}

/** "长垣市" for "410783"; the code itself when unknown. */
export function countyName(code: string): string {
  for (const c of CITIES) {
    const k = c.counties.find((x) => x.code === code);
    if (k) return k.name;
  }
  return code;
}
