/** A token bucket with time passed in (pure apart from its own fields); used for chat and emotes. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private readonly burst: number, private readonly refillMs: number, nowMs: number) {
    this.tokens = burst;
    this.at = nowMs;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    const earned = Math.floor(Math.max(0, nowMs - this.at) / this.refillMs);
    if (earned > 0) {
      this.tokens = Math.min(this.burst, this.tokens + earned);
      this.at = this.tokens === this.burst ? nowMs : this.at + earned * this.refillMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
