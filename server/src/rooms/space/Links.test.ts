import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { Links, sameSpotlight, type Talker } from "./Links.ts";
import { SPOTLIGHT_MAX } from "../../../../shared/constants.ts";

// A private room on the left (P), a stage on the right (*), open floor between.
const MAP = parseTiledMap(asciiTiledMap([
  "##################",
  "#PPP.........***.#",
  "#PPP.........***.#",
  "#S...............#",
  "##################",
]));
const at = (id: string, x: number, y: number, status: Talker["status"] = "available"): Talker => ({ id, x, y, status });

describe("Links (PX, AV1, AV2)", () => {
  it("PX1 tells each person their links only when they change", () => {
    const links = new Links();
    const first = links.update([at("a", 5, 3), at("b", 6, 3), at("c", 16, 3)], MAP);
    expect(first.changed.map(([id, m]) => [id, m.peers])).toEqual([["a", ["b"]], ["b", ["a"]]]);
    expect(first.peers.get("c")).toEqual([]);
    expect(links.update([at("a", 5, 3), at("b", 6, 3), at("c", 16, 3)], MAP).changed).toEqual([]);
    const apart = links.update([at("a", 5, 3), at("b", 12, 3), at("c", 16, 3)], MAP);
    expect(apart.changed.map(([id]) => id)).toEqual(["a", "b"]);
    expect(links.peersOf("a")).toEqual([]);
  });

  it("PX2 entering a private area is told with its name even without peers", () => {
    const links = new Links();
    const { changed } = links.update([at("a", 2, 1)], MAP);
    expect(changed).toEqual([["a", { peers: [], area: "Room", spotlight: null, speaking: [], listening: null }]]);
  });

  it("PX7 the spotlight is compared by content, not identity: an equal one is not sent again; the incumbent keeps it", () => {
    const links = new Links();
    const people = [at("z", 13, 1), at("a", 5, 3)];
    const first = links.update(people, MAP);
    expect(first.changed.map(([id, m]) => [id, m.spotlight?.speaker, m.speaking, m.listening])).toEqual([["z", "z", ["a"], null], ["a", "z", [], "z"]]);
    expect(links.update(people, MAP).changed).toEqual([]); // a new but equal spotlight object
    // "b" (a smaller id) steps on stage too: the incumbent keeps the spotlight.
    const second = links.update([...people, at("b", 14, 1)], MAP);
    expect(second.changed.every(([, m]) => m.spotlight?.speaker === "z")).toBe(true);
    expect(sameSpotlight({ speaker: "z", listeners: 1, audioOnly: false }, { speaker: "z", listeners: 1, audioOnly: false })).toBe(true);
    expect(sameSpotlight({ speaker: "z", listeners: 1, audioOnly: false }, { speaker: "z", listeners: 2, audioOnly: false })).toBe(false);
    expect(sameSpotlight(null, null)).toBe(true);
    expect(sameSpotlight(null, { speaker: "z", listeners: 1, audioOnly: false })).toBe(false);
  });

  it("AV2 signals go along links only: peers, and speaker ↔ listener both ways", () => {
    const links = new Links();
    links.update([at("a", 5, 3), at("b", 6, 3), at("z", 13, 1), at("far", 9, 3, "dnd")], MAP);
    expect(links.linked("a", "b")).toBe(true);
    expect(links.linked("z", "a")).toBe(true);
    expect(links.linked("a", "z")).toBe(true);
    expect(links.linked("a", "far")).toBe(false);
    expect(links.linked("nobody", "a")).toBe(false);
  });

  it("SF9 through the SFU the stage reaches everyone, beyond SPOTLIGHT_MAX, with no mesh spotlight links", () => {
    // A crowd on the floor (more than the mesh spotlight's 40, talking among themselves), "z" on the stage, "q" on do-not-disturb.
    const crowd = Array.from({ length: SPOTLIGHT_MAX + 10 }, (_, i) => at(`p${String(i).padStart(2, "0")}`, 1 + (i % 16), 3, "busy"));
    const people = [at("z", 14, 1), ...crowd, at("q", 9, 3, "dnd")];
    const links = new Links();
    const mesh = links.update(people, MAP);
    expect(mesh.stage).toBeNull();
    expect(mesh.changed.find(([id]) => id === "z")![1].speaking).toHaveLength(SPOTLIGHT_MAX);

    const sfu = new Links().update(people, MAP, true);
    const heard = new Set(sfu.stage!.listeners);
    expect(sfu.stage!.speaker).toBe("z");
    // Everyone not on do-not-disturb and not the speaker's own conversation peer (who hears them anyway).
    const talkingWithZ = new Set(sfu.peers.get("z"));
    expect(heard.size).toBe(crowd.filter((p) => !talkingWithZ.has(p.id)).length);
    expect(heard.has("q")).toBe(false);
    for (const [, m] of sfu.changed) {
      expect(m.speaking).toEqual([]);
      expect(m.listening).toBeNull();
      expect(m.spotlight).toEqual({ speaker: "z", listeners: crowd.length, audioOnly: false });
    }
    expect(new Links().update(people, MAP, true).changed.length).toBe(people.length);
  });

  it("a reconnected connection hears its links again at the next update; one who left is forgotten", () => {
    const links = new Links();
    const people = [at("a", 5, 3), at("b", 6, 3)];
    links.update(people, MAP);
    links.resend("a");
    expect(links.update(people, MAP).changed.map(([id]) => id)).toEqual(["a"]);
    expect(links.update(people, MAP).changed).toEqual([]);
    links.leave("b");
    expect(links.peersOf("b")).toEqual([]);
  });
});
