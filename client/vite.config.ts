import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

// The client is a plain TypeScript + Canvas 2D app; no framework plugin needed.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:2567",
      "/maps": "http://127.0.0.1:2567",
      "/matchmake": { target: "http://127.0.0.1:2567", ws: true },
    },
  },
});
