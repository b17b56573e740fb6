/**
 * A readable "screen" for screen-share tests: headless Chromium has no picker, so
 * `getDisplayMedia` is replaced, before the page's own scripts, by a canvas stream of large text
 * lines (the last one a ticking clock, so frames keep coming). Use: `page.addInitScript(fakeScreen, lines)`.
 */
export function fakeScreen(lines: string[]): void {
  navigator.mediaDevices.getDisplayMedia = async () => {
    const canvas = Object.assign(document.createElement("canvas"), { width: 1280, height: 720 });
    const g = canvas.getContext("2d")!;
    const paint = () => {
      g.fillStyle = "#fff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = "#123";
      g.font = "bold 56px sans-serif";
      for (const [i, line] of [...lines, `Clock ${new Date().toISOString().slice(11, 19)}`].entries()) g.fillText(line, 60, 140 + i * 110);
    };
    paint();
    setInterval(paint, 200);
    return canvas.captureStream(10);
  };
}
