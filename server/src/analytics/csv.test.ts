/** AN5 exports: RFC 4180 quoting and formula neutralisation of CSV cells. */
import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv.ts";

describe("AN5 CSV export cells", () => {
  it("quotes every cell, doubles inner quotes, keeps commas and line breaks inside the quotes", () => {
    expect(csvCell("plain")).toBe('"plain"');
    expect(csvCell("")).toBe('""');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b\nc")).toBe('"a,b\nc"');
    expect(csvCell(42)).toBe('"42"');
    expect(csvCell(2.5)).toBe('"2.5"');
  });

  it("prefixes a ' to text beginning with =, +, -, @, tab or carriage return", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\",\"x\")")).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell("+1+cmd|' /C calc'!A0")).toBe('"\'+1+cmd|\' /C calc\'!A0"');
    expect(csvCell("-2+3")).toBe('"\'-2+3"');
    expect(csvCell("@SUM(A1:A9)")).toBe('"\'@SUM(A1:A9)"');
    expect(csvCell("\t=1")).toBe('"\'\t=1"');
    expect(csvCell("\r=1")).toBe('"\'\r=1"');
    // Only at the start: the same characters later are plain text.
    expect(csvCell("a=b-c+d@e")).toBe('"a=b-c+d@e"');
    expect(csvCell("2026-03-01")).toBe('"2026-03-01"');
  });

  it("writes numbers as numbers (a negative number is a value, not a formula); no NaN or Infinity", () => {
    expect(csvCell(-3)).toBe('"-3"');
    expect(csvCell(Number.NaN)).toBe('""');
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe('""');
  });

  it("joins rows with commas and ends every line with CRLF", () => {
    expect(toCsv([["x", "y"], [1, "=2"]])).toBe('"x","y"\r\n"1","\'=2"\r\n');
    expect(toCsv([])).toBe("");
  });
});

describe("AN5 chart exports go through the same cells", () => {
  it("chartCsv quotes every cell and neutralises formulas", async () => {
    const { chartCsv } = await import("./insights.ts");
    const report = {
      from: "=1+1", to: "2026-03-02", bucket: "1h", activity: [], peak: { people: 0, at: null },
      visits: { count: 4, medianMs: 2500 }, conversations: { count: 0, medianMs: 0 }, conversationsPerDay: [], hours: [], heatmap: [],
    } as unknown as Parameters<typeof chartCsv>[0];
    expect(chartCsv(report, "visits")).toBe('"from","to","count","median_ms"\r\n"\'=1+1","2026-03-02","4","2500"\r\n');
  });
});
