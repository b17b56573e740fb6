/**
 * Process metrics in Prometheus format (GET /metrics). One registry per process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { performance } from "node:perf_hooks";
import type { DropReason, MoveRejection } from "../../shared/codes.ts";

export const registry = new Registry();
// Node and process metrics under their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes…).
collectDefaultMetrics({ register: registry });

export const ccu = new Gauge({ name: "plaza_ccu", help: "Clients connected to space rooms on this process", registers: [registry] });
export const rooms = new Gauge({ name: "plaza_rooms", help: "Space rooms alive on this process", registers: [registry] });
export const crowdedRooms = new Gauge({ name: "plaza_crowded_rooms", help: "Space rooms in crowd mode (IM8: fewer patches, written out in slices)", registers: [registry] });
export const messagesDropped = new Counter({
  name: "plaza_messages_dropped_total",
  help: "Inbound room messages dropped (malformed, unknown type, throttled)",
  labelNames: ["reason"] as const,
  registers: [registry],
});
export const movesRejected = new Counter({
  name: "plaza_moves_rejected_total",
  help: "Movement inputs refused by the server rules and corrected",
  labelNames: ["reason"] as const,
  registers: [registry],
});
export const clientsKicked = new Counter({
  name: "plaza_clients_kicked_total",
  help: "Clients disconnected by the room for abuse, by close code",
  labelNames: ["code"] as const,
  registers: [registry],
});
export const roomErrors = new Counter({
  name: "plaza_room_errors_total",
  help: "Exceptions caught inside a space room (handler, lifecycle hook, timer, patch), by where; the room keeps running (SE1)",
  labelNames: ["where"] as const,
  registers: [registry],
});
export const joinsRefused = new Counter({
  name: "plaza_joins_refused_total",
  help: "Joins refused by the room itself, by reason (wrong_space, address_limit, space_full) (SE2, SE7)",
  labelNames: ["reason"] as const,
  registers: [registry],
});
export const accessRevoked = new Counter({
  name: "plaza_access_revoked_total",
  help: "Seated people closed because their access was taken away (SE4)",
  registers: [registry],
});
export const editsStored = new Counter({
  name: "plaza_edits_stored_total",
  help: "Build-mode edits durably stored and applied",
  registers: [registry],
});
export const editsRefused = new Counter({
  name: "plaza_edits_refused_total",
  help: "Build-mode edits refused, by code (forbidden, invalid, conflict, storage_unavailable…)",
  labelNames: ["code"] as const,
  registers: [registry],
});

/**
 * Event-loop utilisation over the last whole ELU_WINDOW_MS, sampled on a timer of its own: every
 * scraper (two Prometheus servers, the bench) reads the same figure, and scraping changes nothing.
 */
const ELU_WINDOW_MS = 1000;
let eluMark = performance.eventLoopUtilization();
let eluLastWindow = 0;
setInterval(() => {
  const now = performance.eventLoopUtilization();
  eluLastWindow = performance.eventLoopUtilization(now, eluMark).utilization;
  eluMark = now;
}, ELU_WINDOW_MS).unref();
export const eventLoopUtilization = new Gauge({
  name: "plaza_event_loop_utilization",
  help: "Event-loop utilisation over the last whole second (0..1), the same for every scraper",
  registers: [registry],
  collect() {
    this.set(eluLastWindow);
  },
});

export function countDrop(reason: DropReason) { messagesDropped.inc({ reason }); }
export function countRejection(reason: MoveRejection) { movesRejected.inc({ reason }); }

export const patchSeconds = new Histogram({
  name: "plaza_patch_seconds",
  help: "Time to prepare, encode and send one state patch of a space room (interest refresh included)",
  buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
  registers: [registry],
});

// Analytics pipeline (server/src/analytics/pipeline.ts). Rows, not batches.
export const analyticsQueued = new Gauge({
  name: "plaza_analytics_queued",
  help: "Analytics rows waiting in memory for the next insert",
  registers: [registry],
});
export const analyticsSent = new Counter({
  name: "plaza_analytics_sent_total",
  help: "Analytics rows inserted into ClickHouse directly",
  labelNames: ["table"] as const,
  registers: [registry],
});
export const analyticsSpooled = new Counter({
  name: "plaza_analytics_spooled_total",
  help: "Analytics rows written to the on-disk spool (no ClickHouse configured, or it was unreachable)",
  labelNames: ["table"] as const,
  registers: [registry],
});
export const analyticsReplayed = new Counter({
  name: "plaza_analytics_replayed_total",
  help: "Spooled analytics rows replayed into ClickHouse",
  labelNames: ["table"] as const,
  registers: [registry],
});
export const analyticsDropped = new Counter({
  name: "plaza_analytics_dropped_total",
  help: "Analytics rows lost: queue_full (memory), spool_full (oldest segments deleted), spool_error, torn_line",
  labelNames: ["reason"] as const,
  registers: [registry],
});
export const analyticsInsertErrors = new Counter({
  name: "plaza_analytics_insert_errors_total",
  help: "Failed ClickHouse inserts: unavailable (retried/spooled) or rejected (rows kept in spool/rejected/)",
  labelNames: ["kind"] as const,
  registers: [registry],
});
export const analyticsInsertSeconds = new Histogram({
  name: "plaza_analytics_insert_seconds",
  help: "Duration of one successful ClickHouse insert (a batch or a replayed spool segment)",
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

// Cluster (README "Operations"; server/src/cluster/).
export const processScore = new Gauge({
  name: "plaza_process_score",
  help: "This process's placement score as last published in its heartbeat: elu + ccu/1000 (lower gets new rooms)",
  registers: [registry],
});
export const placements = new Counter({
  name: "plaza_placements_total",
  help: "Room placements decided by this process: by score (heartbeats) or default (no heartbeat known)",
  labelNames: ["by"] as const,
  registers: [registry],
});
export const draining = new Gauge({
  name: "plaza_draining",
  help: "1 while this process drains (SIGTERM: no new rooms, clients moved elsewhere), else 0",
  registers: [registry],
});
export const resumedJoins = new Counter({
  name: "plaza_resumed_joins_total",
  help: "Joins that asked to resume a session: placed at the stored position (restored) or not (spawned)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});
export const positionWriteErrors = new Counter({
  name: "plaza_position_write_errors_total",
  help: "Failed batched writes of avatar positions to presence",
  registers: [registry],
});
export const roomCreateSeconds = new Histogram({
  name: "plaza_room_create_seconds",
  help: "Duration of a space room's onCreate: must stay well under 0.5 s or concurrent first joins across processes open duplicate rooms (CL1)",
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});
export const redisReconnects = new Counter({
  name: "plaza_redis_disconnects_total",
  help: "Redis connections lost (each is retried every second at most), by connection",
  labelNames: ["connection"] as const,
  registers: [registry],
});
export const redisRestores = new Counter({
  name: "plaza_redis_restores_total",
  help: "Times this process wrote its rooms' listings and stats back after Redis returned (OP1)",
  registers: [registry],
});
export const ready = new Gauge({
  name: "plaza_ready",
  help: "1 while GET /readyz answers 200 (store, Redis and matchmaking reachable, not draining), else 0",
  registers: [registry],
});
export const redisFailedWrites = new Counter({
  name: "plaza_redis_failed_writes_total",
  help: "Fire-and-forget Redis writes (Colyseus's matchmaking stats) that failed while Redis was away; rewritten once it returns",
  registers: [registry],
});
