/**
 * Reduced motion (SPEC UX13), as one flag the renderer reads every frame: when on, avatars snap
 * from tile to tile instead of gliding, appear and disappear without fading, and the camera does
 * not pan. Set by the comfort settings (comfort.ts); nothing else writes it.
 */
export const motionPreference = { reduced: false };
