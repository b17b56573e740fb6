/**
 * Avatar looks: an index into this palette table is all that is synced (a uint8), and the
 * client draws the avatar procedurally from it. The server only checks the index range.
 */
export interface AvatarLook {
  name: string;
  skin: string;
  hair: string;
  shirt: string;
  trousers: string;
}

export const LOOKS: readonly AvatarLook[] = [
  { name: "Teal", skin: "#f1c7a5", hair: "#3b2a20", shirt: "#1f9e8f", trousers: "#2f3b52" },
  { name: "Coral", skin: "#e0a983", hair: "#a8422a", shirt: "#f0705a", trousers: "#3a3350" },
  { name: "Sun", skin: "#c98c62", hair: "#1d1d1d", shirt: "#f2b632", trousers: "#38424f" },
  { name: "Violet", skin: "#f6d3b8", hair: "#e2c16b", shirt: "#7b5cd6", trousers: "#2b2b3a" },
  { name: "Forest", skin: "#8d5a3b", hair: "#161310", shirt: "#3f8a4b", trousers: "#4a3b2a" },
  { name: "Sky", skin: "#f3caa9", hair: "#6b3e26", shirt: "#4a90e2", trousers: "#2e3440" },
  { name: "Rose", skin: "#6e432c", hair: "#2a1c16", shirt: "#d9508c", trousers: "#333347" },
  { name: "Slate", skin: "#e9b995", hair: "#9aa0a6", shirt: "#56616e", trousers: "#1f242b" },
];

export const LOOK_COUNT = LOOKS.length;
