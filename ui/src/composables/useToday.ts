import { computed } from "vue";
import { useDeskStore } from "../stores/desk";
import { isoDate } from "../utils/format";

/**
 * The day that date fields are checked against: the desk's today (Beijing time, from the
 * backend), or this machine's date until the desk's status has loaded.
 *
 * `pastDayClass` greys the days before it in a date picker (`:cell-class-name`) without
 * disabling them: a disabled day typed by hand would be dropped silently, where the user must be
 * told why it is refused. The grey is in styles.css.
 */
export function useToday() {
  const desk = useDeskStore();
  const today = computed(() => desk.today || isoDate(new Date()));
  const pastDayClass = (d: Date) => (isoDate(d) < today.value ? "is-past-day" : "");
  return { today, pastDayClass };
}
