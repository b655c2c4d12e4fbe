// The version reported as service.version and as the instrumentation scope version. Kept equal to
// the chart's appVersion (and so the image tag) by ensign-version.test.ts.
export const ENSIGN_VERSION = '0.1.0';
