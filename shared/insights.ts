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
  /** Days on which fewer than minGroup people talked have count and medianMs null (PV2). */
  conversationsPerDay: { day: string; count: number | null; medianMs: number | null }[];
  /** Average people per UTC hour of day. */
  hours: { hour: number; people: number }[];
  /** Person-seconds per tile. */
  heatmap: { x: number; y: number; seconds: number }[];
  /** PV2: the smallest group a breakdown may describe (INSIGHTS_MIN_GROUP). */
  minGroup: number;
  /**
   * PV2: distinct people who visited in the range (accounts by id, others by session), or null
   * when fewer than minGroup: then every breakdown is empty and every figure 0.
   */
  people: number | null;
  suppressed: boolean;
  /** Average people by weekday (0 = Monday) and UTC hour: 7 × 24 entries. */
  weekHours: { day: number; hour: number; people: number }[];
  /** Meeting rooms (private areas): share of the sampled time someone was in, person-hours, most at once. */
  rooms: { name: string; occupiedShare: number; personHours: number; peak: number }[];
  /**
   * Conversations between the space's team (members and up) and people from outside it (guests,
   * visitors); null when fewer than minGroup people took part in them (PV2).
   */
  crossTeam: { people: number; conversations: number } | null;
}

/** GET /api/me/activity: one person's own time and conversations, per space (PV3). */
export interface MyActivity {
  from: string;
  to: string;
  /** The person opted out of analytics (nothing new is recorded). */
  optedOut: boolean;
  spaces: { space: string; visits: number; timeMs: number; conversations: number; conversationMs: number }[];
}
