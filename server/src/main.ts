/** `npm start`: one Plaza process on embedded defaults (see README and .env.example). */
import { configFromEnv } from "./config.ts";
import { startPlaza } from "./app.ts";
import { logger } from "./log.ts";

const config = configFromEnv();
startPlaza({ ...config, handleSignals: true }).then(
  (p) => logger.info(`Plaza is open: ${p.url.replace("127.0.0.1", "localhost")}`),
  (err) => {
    logger.error({ err }, "failed to start");
    process.exit(1);
  },
);
