/** This package's name and version, recorded in manifests (a test keeps it equal to package.json). */
export const PACKAGE = { name: '@snrlab/queue', version: '0.1.0' } as const;
