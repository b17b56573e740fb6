import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SIGNAL_MAX, TALK_RADIUS } from "../../../shared/constants.ts";
import {
  MAX_CANDIDATES_PER_SIGNAL, MIN_VOLUME, createsTransceivers, decodeSignal, describeMediaError, diffPeers,
  encodeCandidates, encodeDescription, isPolite, preferredVideoCodecs, volumeAt, wantedLinks, diffLinks, onAirText,
} from "./rules.ts";

const SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
const cand = (i: number) => ({ candidate: `candidate:${i} 1 udp 2122260223 192.168.0.${i} 5${i} typ host generation 0`, sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "abcd" });

describe("AV4 volume by distance", () => {
  it("is full next to someone, MIN_VOLUME at TALK_RADIUS+1, linear between", () => {
    expect(volumeAt(0)).toBe(1);
    expect(volumeAt(1)).toBe(1);
    expect(volumeAt(TALK_RADIUS + 1)).toBeCloseTo(MIN_VOLUME);
    const mid = (1 + TALK_RADIUS + 1) / 2;
    expect(volumeAt(mid)).toBeCloseTo((1 + MIN_VOLUME) / 2);
  });
  it("never drops below MIN_VOLUME however far (private areas), and never rises with distance", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), (a, b) => {
      const [near, far] = a <= b ? [a, b] : [b, a];
      const vn = volumeAt(near)!, vf = volumeAt(far)!;
      return vf >= MIN_VOLUME && vn <= 1 && vf <= vn;
    }));
  });
  it("unknown distance keeps the current volume", () => {
    expect(volumeAt(Number.NaN)).toBeUndefined();
    expect(volumeAt(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe("perfect negotiation roles", () => {
  it("exactly one side of every pair is polite, and the other creates the transceivers", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
      fc.pre(a !== b);
      return isPolite(a, b) !== isPolite(b, a) && createsTransceivers(a, b) === isPolite(b, a);
    }));
  });
  it("diffPeers connects newcomers, hangs up on leavers, never connects to self", () => {
    expect(diffPeers(["a", "b"], ["b", "c", "me"], "me")).toEqual({ added: ["c"], removed: ["a"] });
    expect(diffPeers([], [], "me")).toEqual({ added: [], removed: [] });
  });
});

describe("PX7–PX8 spotlight links", () => {
  it("wants mesh for peers, speak for listeners, listen for the speaker; mesh wins", () => {
    expect([...wantedLinks("me", ["a"], ["b", "c", "me"], null)]).toEqual([["b", "speak"], ["c", "speak"], ["a", "mesh"]]);
    expect([...wantedLinks("me", ["s"], [], "s")]).toEqual([["s", "mesh"]]);
    expect([...wantedLinks("me", [], [], "s")]).toEqual([["s", "listen"]]);
  });
  it("reconnects someone whose role changed, keeps the rest", () => {
    const have: [string, "mesh" | "speak" | "listen"][] = [["a", "mesh"], ["s", "listen"], ["x", "speak"]];
    const want = new Map([["a", "mesh"], ["s", "mesh"]] as const);
    expect(diffLinks(have, want)).toEqual({ added: [["s", "mesh"]], removed: ["s", "x"] });
  });
  it("tells the speaker how many hear them", () => {
    expect(onAirText(12, true)).toBe("You are on the spotlight — 12 people hear you (audio only: too many for video)");
    expect(onAirText(1, false)).toBe("You are on the spotlight — 1 person hears you");
    expect(onAirText(0, false)).toBe("You are on the spotlight — nobody else is here yet");
  });
});

describe("signal payloads", () => {
  it("round-trips offers and answers, restoring CRLF line ends", () => {
    for (const type of ["offer", "answer"] as const) {
      const data = encodeDescription({ type, sdp: SDP })!;
      expect(data).not.toContain("\\r");
      expect(decodeSignal(type, data)).toEqual({ type: "description", description: { type, sdp: SDP } });
    }
  });
  it("refuses to encode a description over SIGNAL_MAX or of another type", () => {
    expect(encodeDescription({ type: "offer", sdp: SDP + "a=x\r\n".repeat(SIGNAL_MAX) })).toBeUndefined();
    expect(encodeDescription({ type: "rollback", sdp: "" })).toBeUndefined();
  });
  it("batches candidates, each payload under the caps, and drops end-of-candidates", () => {
    const many = Array.from({ length: 40 }, (_, i) => cand(i));
    const payloads = encodeCandidates([...many, { candidate: "" }]);
    expect(payloads.length).toBe(Math.ceil(40 / MAX_CANDIDATES_PER_SIGNAL));
    const back = payloads.flatMap((p) => {
      expect(p.length).toBeLessThan(SIGNAL_MAX);
      const d = decodeSignal("ice", p);
      return d?.type === "candidates" ? d.candidates : [];
    });
    expect(back).toEqual(many);
    expect(encodeCandidates([{ candidate: "" }])).toEqual([]);
  });
  it("ignores malformed signals: bad JSON, wrong kind, extra fields, oversize, empty", () => {
    const offer = encodeDescription({ type: "offer", sdp: SDP })!;
    expect(decodeSignal("answer", offer)).toBeUndefined(); // an offer labelled as an answer
    expect(decodeSignal("ice", offer)).toBeUndefined();
    expect(decodeSignal("offer", "{not json")).toBeUndefined();
    expect(decodeSignal("offer", JSON.stringify({ type: "offer", sdp: "hello" }))).toBeUndefined();
    expect(decodeSignal("offer", JSON.stringify({ type: "offer", sdp: SDP, x: 1 }))).toBeUndefined();
    expect(decodeSignal("ice", "[]")).toBeUndefined();
    expect(decodeSignal("ice", JSON.stringify([{ candidate: 5 }]))).toBeUndefined();
    expect(decodeSignal("ice", JSON.stringify(Array.from({ length: MAX_CANDIDATES_PER_SIGNAL + 1 }, (_, i) => cand(i))))).toBeUndefined();
    expect(decodeSignal("ice", "x".repeat(SIGNAL_MAX))).toBeUndefined();
    expect(decodeSignal("bogus" as never, offer)).toBeUndefined();
  });
  it("never throws on arbitrary input", () => {
    fc.assert(fc.property(fc.constantFrom("offer", "answer", "ice") as fc.Arbitrary<"offer" | "answer" | "ice">, fc.oneof(fc.string(), fc.json()), (kind, data) => {
      decodeSignal(kind, data);
      return true;
    }));
  });
});

describe("video codec list", () => {
  const chrome = [
    ["video/VP8", ""], ["video/rtx", ""], ["video/VP9", "profile-id=0"], ["video/VP9", "profile-id=2"],
    ["video/H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"],
    ["video/H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"],
    ["video/H264", "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"],
    ["video/AV1", "level-idx=5;profile=0;tier=0"], ["video/AV1", "level-idx=5;profile=1;tier=0"],
    ["video/red", ""], ["video/ulpfec", ""], ["video/flexfec-03", "repair-window=10000000"],
  ].map(([mimeType, sdpFmtpLine]) => ({ mimeType, sdpFmtpLine }));
  it("keeps VP8 first, one variant each of VP9/H.264/AV1, and the repair codecs", () => {
    const kept = preferredVideoCodecs(chrome).map((c) => `${c.mimeType} ${c.sdpFmtpLine}`.trim());
    expect(kept[0]).toBe("video/VP8");
    expect(kept).toHaveLength(7);
    expect(kept).toContain("video/H264 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    expect(kept).toContain("video/rtx");
  });
  it("falls back to everything when none of the usual codecs exists", () => {
    const odd = [{ mimeType: "video/HEVC" }, { mimeType: "video/rtx" }];
    expect(preferredVideoCodecs(odd)).toEqual(odd);
  });
});

describe("permission messages", () => {
  it("tells a blocked user where to allow access", () => {
    expect(describeMediaError("NotAllowedError")).toBe("Camera/mic blocked — click the camera icon in the address bar to allow");
    expect(describeMediaError(undefined)).toMatch(/still hear/);
  });
});
