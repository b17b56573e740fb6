/**
 * Numbers the client predictor and the room's validator must agree on. They live here, once,
 * because a mismatch (e.g. the client walking faster than the server allows) turns into
 * rubber-banding for every user.
 */

/** Pixel size of one map tile; maps are authored in Tiled at this size. */
export const TILE_SIZE = 32;

/**
 * Time one walking step (one tile) takes: 150 ms ≈ 6.7 tiles/s ≈ Gather's walking pace.
 * The client sends at most one step per STEP_MS while a key is held or a path is followed.
 */
export const STEP_MS = 150;

/**
 * Server-side speed limit: a token bucket of STEP_BURST steps refilled one per STEP_REFILL_MS.
 * The refill is slightly faster than STEP_MS so that network jitter (two steps arriving close
 * together after a stall) is not punished, while a sustained speed hack (≥ 1.25× walking pace)
 * is refused within a few steps.
 */
export const STEP_BURST = 4;
export const STEP_REFILL_MS = 120;

/**
 * Default patch interval of a space room: 20 state patches per second. Each patch is one socket
 * write per client; crowded spaces patch less often (CROWD_*, below).
 */
export const PATCH_MS = 50;
/**
 * A space becomes crowded when it has CROWD_SIZE people or more and its process's event loop is
 * at least CROWD_ELU busy (measured every CROWD_CHECK_MS); it stops being crowded below 80 % of
 * CROWD_SIZE or under CROWD_ELU_LEAVE. A crowded space patches every CROWD_PATCH_MS, with every
 * client's socket corked while the patch is encoded and then written out CROWD_UNCORK sockets at
 * a time, the loop handling incoming moves (and acking them at once) between slices (IM8). Socket
 * writes are the largest cost of a big room (BENCHMARKS.md); avatars glide between tiles over
 * STEP_MS anyway. At 1,000 walkers on the 2-vCPU bench machine, writing the patch in one go and
 * holding acks for it gave echo p50 / p99 ≈ 120 / 270–300 ms; slices of 50 with acks at once ≈
 * 21–26 / 120–180 ms at the same event-loop use. 150 ms is one walking step (STEP_MS): a walking
 * avatar changes once per patch, and a third of the writes of 100 ms go (server CPU at 1,000
 * walkers 32.9 → 28.0 %, BENCHMARKS "Issue 21, fourth session").
 */
export const CROWD_SIZE = 300;
export const CROWD_PATCH_MS = 150;
export const CROWD_UNCORK = 50;
export const CROWD_ELU = 0.6;
export const CROWD_ELU_LEAVE = 0.3;
/**
 * From CROWD_SIZE_ANY_LOAD people a space is crowded whatever the load (left below 80 % of it):
 * at 1,000 walkers a patch every 50 ms is 20,000 socket writes a second, each ~7 µs of kernel
 * time on loopback, for movement that steps every 150 ms (BENCHMARKS "Server CPU per walker").
 */
export const CROWD_SIZE_ANY_LOAD = 600;
export const CROWD_CHECK_MS = 2000;
/**
 * A crowded space recomputes conversations this many times less often (every 600 ms): in a moving
 * crowd nearly every recompute changes someone's links, and each change is a `peers` message
 * (at 1,000 walkers 203 B/s per client every 400 ms, 136 every 600 ms).
 */
export const CROWD_PROXIMITY_FACTOR = 3;

/** User text limits (characters, after trimming). */
export const NAME_MAX = 24;
export const SPACE_ID_MAX = 40;

/** Per-client inbound message budget (token bucket): sustained rate and burst. */
export const MSG_RATE_PER_S = 20;
export const MSG_BURST = 40;
/** Messages dropped by the budget within one window before the client is disconnected. */
export const FLOOD_DISCONNECT_AFTER = 200;
/** Malformed messages tolerated within one window before the client is disconnected. */
export const INVALID_DISCONNECT_AFTER = 50;
/** Window over which FLOOD/INVALID counts are kept, in ms. */
export const ABUSE_WINDOW_MS = 10_000;

/**
 * Largest message a client may send, in bytes (the WebSocket layer refuses larger frames).
 * 16 KB: a WebRTC offer with audio, video and a screen track is 3–8 KB of SDP.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Largest signaling payload (SDP or ICE candidate JSON), in characters. */
export const SIGNAL_MAX = 12_000;

/** Seconds a dropped client keeps its seat (same avatar, same place) while the SDK reconnects. */
export const RECONNECT_GRACE_S = 20;

/** The input sequence number wraps at 2^16 (moves and acks carry it; MV7). */
export const SEQ_MODULO = 65536;

/**
 * Interest management (SPEC IM1, IM2, IM7): the map is cut into INTEREST_CELL × INTEREST_CELL-tile
 * cells, and everyone standing in a cell shares one view: the avatars within INTEREST_RADIUS tiles
 * (Chebyshev) of the cell's centre, at most INTEREST_MAX of them, nearest first. So anyone in
 * a cell sees everyone within at least 16 − 4 = 12 tiles of them — past the edge of a 1280×800
 * view at the client's zoom (10 tiles to the side), so people appear off-screen. At most 90 keeps
 * a client's downstream bounded however dense the crowd (measured at 1,000 walkers, every walkable
 * tile taken: 60 → 3.6 KB/s, and a person sees 67 % of the people within 2 tiles; 90 → 4.7 KB/s,
 * 82 %; at 500 walkers 90 % vs 97 %; BENCHMARKS.md). 8-tile cells: a 48×34 office has 30 of
 * them, a 100×100 map 169, so encoding is per cell, not per client, while a cell is still small
 * next to the radius (4-tile cells cost 0.2 more of the event loop at 1,000 walkers).
 */
export const INTEREST_RADIUS = 16;
export const INTEREST_MAX = 90;
export const INTEREST_CELL = 8;
/**
 * IM14: on a bigger map the cells grow (8, 12, then 16 tiles) until the map has at most this many:
 * Colyseus walks every changed avatar once per distinct view per patch, and a client changing
 * cells costs a transition view, so a room's cost follows its cells. The radius grows by half the
 * extra edge, so what anyone sees without a crowd reaches as far as with 8-tile cells. At 2,000
 * walkers on the 100 × 100 event floor: 8-tile cells (169) server ELU 0.82–0.84, echo p99
 * 113–123 ms, 98 % of people within 2 tiles in view; 12 (81) 0.66, 92–100 ms, 94 %; 16 (49)
 * 0.57, 91 ms, 86 % (BENCHMARKS "Issue 21, fourth session").
 */
export const INTEREST_CELLS_MAX = 64;
export const INTEREST_CELL_MAX = 16;
/**
 * IM9: in a crowded space (IM8) a cell sends only its CROWD_FINE nearest avatars every step; the
 * rest of its INTEREST_MAX go as a coarse tile, refreshed when the avatar is COARSE_STEP tiles from
 * it, or every COARSE_MS if it moved at all (the client glides between them at walking pace).
 * 20 nearest cover everyone within 2 tiles in a crowd of 0.6 people per tile (1,000 walkers on the
 * office); 30 / 3 tiles / 1 s sent 3.22 kB/s of patches per client at 1,000 walkers, 20 / 4 / 1.5 s
 * 2.72 (BENCHMARKS "Issue 21, fourth session").
 */
export const CROWD_FINE = 20;
export const COARSE_STEP = 4;
export const COARSE_MS = 1500;
/** Each cell's visible set is recomputed every INTEREST_REFRESH_MS (spread over the patches). */
export const INTEREST_REFRESH_MS = 250;

/** Chat: longest message, messages kept in the room's memory for latecomers (the seeds' last-N). */
export const CHAT_MAX = 500;
export const CHAT_HISTORY = 50;
/** Chat budget per person: a burst of CHAT_BURST, then one message per CHAT_REFILL_MS. */
export const CHAT_BURST = 5;
export const CHAT_REFILL_MS = 2000;
/** Emotes: at most one per EMOTE_MIN_MS per person; shown for EMOTE_SHOW_MS. */
export const EMOTE_MIN_MS = 500;
export const EMOTE_SHOW_MS = 3000;

/**
 * Proximity conversations (SPEC PX1–PX6): people within TALK_RADIUS tiles (Chebyshev) are
 * connected, as in Gather. Media is a peer-to-peer mesh, so each person keeps at most
 * CONVERSATION_CAP - 1 peers (the nearest): 8 people is ~7 up/down streams per browser, the
 * practical ceiling of a mesh before an SFU is needed.
 */
export const TALK_RADIUS = 3;
export const CONVERSATION_CAP = 8;
/** Conversations are recomputed every PROXIMITY_MS (at the next patch). */
export const PROXIMITY_MS = 200;
/** Seconds of hidden tab after which the client sets itself "away". */
export const AUTO_AWAY_S = 120;

/**
 * Spotlight (SPEC PX7–PX8): the person on a spotlight tile is heard by up to SPOTLIGHT_MAX
 * others (nearest first), over one-way peer-to-peer links, so the speaker's browser uploads one
 * copy of its media per listener (Chrome encodes each RTCPeerConnection separately):
 * - audio + video while listeners ≤ SPOTLIGHT_VIDEO_MAX: a 640×360 camera at ~0.5–1 Mbit/s per
 *   copy is 5–10 Mbit/s up and ten video encoders, what a laptop on a home uplink can sustain;
 * - audio only up to SPOTLIGHT_MAX: Opus voice at ~40 kbit/s per copy is ~1.6 Mbit/s up for 40,
 *   and audio encoders are cheap. An all-hands beyond that needs an SFU (the speaker uploads once
 *   and a media server fans out), which would sit behind the same `peers`/`signal` messages.
 */
export const SPOTLIGHT_VIDEO_MAX = 10;
export const SPOTLIGHT_MAX = 40;
