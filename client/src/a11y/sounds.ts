/**
 * The two comfort sounds (UX14), made with WebAudio (no audio files): a soft rising pair of notes
 * when someone comes to talk, a brighter double tone for a direct message. Played only when the
 * person turned sounds on; quiet (−20 dB) and short (< 0.4 s).
 */
import { comfort } from "./comfort.ts";

export type Cue = "approach" | "dm";

const NOTES: Record<Cue, Array<[hz: number, at: number]>> = {
  approach: [[523.25, 0], [659.25, 0.12]],
  dm: [[880, 0], [880, 0.16]],
};

let ctx: AudioContext | undefined;

/** The page's audio context, created on first use (a click that turned sounds on lets it start). */
export function audio(): AudioContext | undefined {
  if (typeof AudioContext !== "function") return undefined;
  ctx ??= new AudioContext();
  if (ctx.state === "suspended") void ctx.resume().catch(() => {});
  return ctx;
}

export function play(cue: Cue, force = false): void {
  if (!force && !comfort().sounds) return;
  const a = audio();
  if (!a) return;
  const start = a.currentTime + 0.01;
  for (const [hz, at] of NOTES[cue]) {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.type = "sine";
    osc.frequency.value = hz;
    const t = start + at;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.1, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
    osc.connect(gain).connect(a.destination);
    osc.start(t);
    osc.stop(t + 0.22);
  }
}
