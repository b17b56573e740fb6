/** "42 s", "7 min", "1 h 5 min"; "–" for nothing. */
export function formatDuration(ms: number): string {
  if (!ms) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
