/**
 * The insights API's answer (GET /api/spaces/:id/insights), declared once for the server that
 * computes it and the page that draws it (SPEC AN5).
 */
export type InsightsBucket = "5m" | "1h" | "1d";

export interface InsightsReport {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
  bucket: InsightsBucket;
  /** Average people present per bucket ("YYYY-MM-DD hh:mm:ss", UTC). */
  activity: { t: string; people: number }[];
  peak: { people: number; at: string | null };
  visits: { count: number; medianMs: number };
  conversations: { count: number; medianMs: number };
  conversationsPerDay: { day: string; count: number; medianMs: number }[];
  /** Average people per UTC hour of day. */
  hours: { hour: number; people: number }[];
  /** Person-seconds per tile. */
  heatmap: { x: number; y: number; seconds: number }[];
}
