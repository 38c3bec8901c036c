// The permit desk's small formatting rules shared by its components.

/** A time of a video as the review shows it: mm:ss.mmm (minutes past 59 keep counting). */
export function atLabel(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const minutes = Math.floor(whole / 60000);
  const seconds = Math.floor(whole / 1000) % 60;
  const millis = whole % 1000;
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}.${String(millis).padStart(3, "0")}`;
}
