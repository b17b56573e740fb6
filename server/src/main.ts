/** `npm start`: one Plaza process on embedded defaults (see README and .env.example). */
import { configFromEnv, exportColyseusSettings } from "./config.ts";

const config = configFromEnv();
// Colyseus reads its own settings once, when it loads: so before importing it (CL3).
exportColyseusSettings(config);
const { startPlaza } = await import("./app.ts");
const { logger } = await import("./log.ts");

startPlaza({ ...config, handleSignals: true }).then(
  (p) => logger.info(`Plaza is open: ${p.url.replace("127.0.0.1", "localhost")}`),
  (err) => {
    logger.error({ err }, "failed to start");
    process.exit(1);
  },
);
