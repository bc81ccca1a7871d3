const quiet = () => undefined;

/** For MockActivityEnvironment: the activities' own log lines would otherwise fill the test report. */
export const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
