/** shardcast's version, written into results and reports (package.json's, kept in step by a test). */
export const SHARDCAST_VERSION = '0.1.0';
