import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OwnStatus } from "./autoAway.ts";
import { AUTO_AWAY_S } from "../../../shared/constants.ts";
import type { Status } from "../../../shared/protocol.ts";

function ownStatus() {
  const sent: Status[] = [];
  const shown: Status[] = [];
  const s = new OwnStatus({ send: (x) => sent.push(x), show: (x) => shown.push(x) });
  return { s, sent, shown };
}

describe("ST2 auto-away", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("goes away after AUTO_AWAY_S hidden, and is available again when shown", () => {
    const { s, sent, shown } = ownStatus();
    s.visibilityChanged(true);
    vi.advanceTimersByTime(AUTO_AWAY_S * 1000 - 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(s.status).toBe("away");
    s.visibilityChanged(false);
    expect(sent).toEqual(["away", "available"]);
    expect(shown).toEqual(sent);
  });

  it("a short absence changes nothing", () => {
    const { s, sent } = ownStatus();
    s.visibilityChanged(true);
    vi.advanceTimersByTime(1000);
    s.visibilityChanged(false);
    vi.advanceTimersByTime(AUTO_AWAY_S * 1000);
    expect(sent).toEqual([]);
  });

  it("never overrides a status the person chose", () => {
    const { s, sent } = ownStatus();
    s.set("busy", true);
    s.visibilityChanged(true);
    vi.advanceTimersByTime(AUTO_AWAY_S * 1000);
    s.visibilityChanged(false);
    expect(sent).toEqual(["busy"]);
    // Chosen while auto-away: coming back keeps the choice.
    s.set("available", true);
    s.visibilityChanged(true);
    vi.advanceTimersByTime(AUTO_AWAY_S * 1000);
    s.set("dnd", true);
    s.visibilityChanged(false);
    expect(sent).toEqual(["busy", "available", "away", "dnd"]);
  });
});
