/**
 * The one ranking rule behind both "who is in view" (IM2, IM9) and "who talks" (PX9): whoever is
 * already in ranks as if `advantage` rings nearer than they stand and, at the same distance, ahead
 * of a newcomer, so a set built from the nearest does not churn as people shuffle at its edge.
 * Lower ranks come first.
 */
export function holdRank(distance: number, held: boolean, advantage = 1): number {
  return held ? 2 * Math.max(0, distance - advantage) : 2 * distance + 1;
}
