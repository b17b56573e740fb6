import { describe, expect, it } from "vitest";
import { CrowdMode, type Corkable, type Pace } from "./CrowdMode.ts";
import type { PeersMessage } from "./Links.ts";

const SETTINGS = { size: 10, patchMs: 100, elu: 0.6, uncorkSlice: 2, fine: 30 };
const NORMAL = { patchMs: 50, fine: 90 };
const peers = (n: number): PeersMessage => ({ peers: [`p${n}`], area: null, spotlight: null, speaking: [], listening: null });

function setup(settings: typeof SETTINGS & { sizeAnyLoad?: number } = SETTINGS) {
  const paces: Pace[] = [];
  const delivered: [string, PeersMessage][] = [];
  const turns: (() => void)[] = [];
  const crowd = new CrowdMode("s", settings, NORMAL, { pace: (p) => paces.push(p), deliver: (id, m) => delivered.push([id, m]) }, (fn) => {
    turns.push(fn);
    return { cancel: () => turns.splice(turns.indexOf(fn), 1) };
  });
  return { crowd, paces, delivered, turns };
}

class Sock implements Corkable {
  corked = 0;
  uncorked = 0;
  cork() { this.corked++; }
  uncork() { this.uncorked++; }
}

describe("CrowdMode (IM8)", () => {
  it("IM8 enters at `size` people on a busy process, leaves below 80 % of them or when the load falls", () => {
    const { crowd, paces } = setup();
    crowd.check(10);
    expect(crowd.crowded).toBe(false); // no load measured yet
    crowd.measured(0.7, 10);
    expect(crowd.crowded).toBe(true);
    expect(paces).toEqual([{ patchMs: 100, fine: 30 }]);
    crowd.check(8); // 80 %: still a crowd (a wide band)
    expect(crowd.crowded).toBe(true);
    crowd.check(7);
    expect(crowd.crowded).toBe(false);
    expect(paces.at(-1)).toEqual(NORMAL);
    crowd.measured(0.7, 10);
    crowd.measured(0.4, 10); // between CROWD_ELU_LEAVE (0.3) and elu: stays
    expect(crowd.crowded).toBe(true);
    crowd.measured(0.2, 10);
    expect(crowd.crowded).toBe(false);
  });

  it("IM8 from `sizeAnyLoad` people a space is crowded on an idle process too, and stays so down to 80 % of them", () => {
    const { crowd, paces } = setup({ ...SETTINGS, sizeAnyLoad: 20 });
    crowd.measured(0.1, 19);
    expect(crowd.crowded).toBe(false); // 19 people, idle: not yet
    crowd.measured(0.1, 20);
    expect(crowd.crowded).toBe(true);
    expect(paces).toEqual([{ patchMs: 100, fine: 30 }]);
    crowd.measured(0.1, 16); // 80 % of sizeAnyLoad: the low load does not end it
    expect(crowd.crowded).toBe(true);
    crowd.measured(0.1, 15);
    expect(crowd.crowded).toBe(false);
  });

  it("IM8 a crowd never patches faster than the space's normal pace", () => {
    const paces: Pace[] = [];
    const crowd = new CrowdMode("s", { ...SETTINGS, patchMs: 20 }, NORMAL, { pace: (p) => paces.push(p), deliver: () => {} });
    crowd.measured(1, 10);
    expect(paces).toEqual([{ patchMs: 50, fine: 30 }]);
  });

  it("IM8 outside a crowd peers updates go at once; in a crowd the latest waits for the patch write, and leaving the crowd sends it", () => {
    const { crowd, delivered } = setup();
    crowd.peers("a", peers(1));
    expect(delivered).toEqual([["a", peers(1)]]);
    crowd.measured(1, 10);
    crowd.peers("a", peers(2));
    crowd.peers("a", peers(3));
    crowd.peers("b", peers(4));
    crowd.peers("gone", peers(5));
    crowd.leave("gone");
    expect(delivered).toHaveLength(1);
    crowd.check(1);
    expect(delivered.slice(1)).toEqual([["a", peers(3)], ["b", peers(4)]]);
  });

  it("IM8 in a crowd the patch is sent into corked sockets, held peers follow it, then the sockets are written out a slice per loop turn", () => {
    const { crowd, delivered, turns } = setup();
    const socks = [new Sock(), new Sock(), new Sock(), new Sock(), new Sock()];
    expect(crowd.beginPatch(() => socks)).toBeUndefined(); // not crowded: nothing corked
    crowd.measured(1, 10);
    crowd.peers("a", peers(1));
    const corked = crowd.beginPatch(() => socks);
    expect(socks.every((s) => s.corked === 1)).toBe(true);
    expect(delivered).toEqual([]);
    crowd.patchSent(corked);
    expect(delivered).toEqual([["a", peers(1)]]);
    expect(socks.map((s) => s.uncorked)).toEqual([1, 1, 0, 0, 0]);
    turns.shift()!();
    expect(socks.map((s) => s.uncorked)).toEqual([1, 1, 1, 1, 0]);
    // The next patch first writes out whatever is still corked.
    crowd.beginPatch(() => []);
    expect(socks.map((s) => s.uncorked)).toEqual([1, 1, 1, 1, 1]);
    crowd.dispose();
    expect(crowd.crowded).toBe(false);
  });
});
