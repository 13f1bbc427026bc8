/** This package's name and version, recorded in every manifest (a test keeps it equal to package.json). */
export const PACKAGE = { name: '@snrlab/core', version: '0.1.0' } as const;
