import { Logger } from "@aws-lambda-powertools/logger";

/** The structured JSON logger every handler shares; POWERTOOLS_LOG_LEVEL sets its level. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "open-sts" });
