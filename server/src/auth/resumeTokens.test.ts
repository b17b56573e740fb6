import { describe, expect, it } from "vitest";
import { ResumeTokens } from "./resumeTokens.ts";

describe("resume tokens (SE6)", () => {
  const tokens = new ResumeTokens("s".repeat(40));

  it("SE6 a token continues its own session in its own space only", () => {
    const t = tokens.sign("office", "AbC123_x");
    expect(tokens.verify("office", t)).toBe("AbC123_x");
    expect(tokens.verify("other-space", t)).toBeUndefined();
  });

  it("SE6 a bare session id, a forged or altered mac, or another deployment's token is refused", () => {
    const t = tokens.sign("office", "victim");
    expect(tokens.verify("office", "victim")).toBeUndefined();
    expect(tokens.verify("office", `victim.${"A".repeat(22)}`)).toBeUndefined();
    expect(tokens.verify("office", t.replace("victim", "victim2"))).toBeUndefined();
    expect(tokens.verify("office", `${t}x`)).toBeUndefined();
    expect(new ResumeTokens("t".repeat(40)).verify("office", t)).toBeUndefined();
    expect(tokens.verify("office", "")).toBeUndefined();
    expect(tokens.verify("office", ".")).toBeUndefined();
  });
});
