import { formatQuantity } from './volume.js';

/** Replication role of the instance being projected. */
export type Role = 'master' | 'replica' | 'standalone';

/** RDB size estimate plus the plain-words reason for it. */
export interface RdbEstimate {
  /** Bytes of one RDB snapshot (dump.rdb, or an RDB-format AOF BASE); null when unknown. */
  bytes: number | null;
  assumptions: string[];
}

/**
 * Size of one RDB snapshot: the measured size when the workload gives one, else
 * dataset × rdbToMemoryRatio.
 *
 * Redis fact: BGSAVE, the shutdown SAVE and a disk-based full sync all write the same
 * format through rdbSaveRio (rdb.c, 6.x–8.x), and so does an AOF rewrite when
 * aof-use-rdb-preamble is yes (rewriteAppendOnlyFile in aof.c), so one size serves all.
 *
 * @param datasetBytes     in-memory dataset, bytes; null when unknown
 * @param workloadRdbBytes measured RDB size, bytes; undefined when not measured
 * @param rdbToMemoryRatio RDB bytes per dataset byte (> 0, validated by resolveParams)
 * @throws never
 */
export function estimateRdbBytes(
  datasetBytes: number | null,
  workloadRdbBytes: number | undefined,
  rdbToMemoryRatio: number,
): RdbEstimate {
  if (workloadRdbBytes !== undefined) {
    return { bytes: workloadRdbBytes, assumptions: [`RDB size taken from the workload: ${formatQuantity(workloadRdbBytes)}`] };
  }
  if (datasetBytes === null) return { bytes: null, assumptions: [] };
  return {
    bytes: Math.ceil(datasetBytes * rdbToMemoryRatio),
    assumptions: [`RDB size = dataset × rdbToMemoryRatio ${rdbToMemoryRatio}`],
  };
}

/** Which configuration facts decide whether RDB files live on the data volume. */
export interface RdbFilesInput {
  /** Number of `save <seconds> <changes>` points (0 for `save ""`). */
  savePointCount: number;
  role: Role;
  /** The instance has replicas attached (a full sync may happen at any time). */
  hasReplicas: boolean;
  /** repl-diskless-sync (default yes since 7.0, no in 6.x). */
  replDisklessSync: boolean;
}

/** RDB files that can sit on the volume, in bytes (null when the RDB size is unknown). */
export interface RdbFiles {
  /** A dump.rdb exists between snapshots. */
  dumpPresent: boolean;
  /** Size of dump.rdb, 0 when absent. */
  dumpBytes: number | null;
  /** Size of the temp file written next to dump.rdb while it is replaced, 0 when never written. */
  tempBytes: number | null;
  assumptions: string[];
}

/**
 * Which RDB files exist on the volume and how large they get.
 *
 * Redis facts (verified in redis/redis):
 * - rdbSave (rdb.c, 6.x–8.x) writes `temp-<pid>.rdb` in `dir`, fsyncs it, then rename()s it over
 *   dump.rdb: during every BGSAVE (rdbSaveBackground) and the shutdown SAVE (finishShutdown in
 *   server.c 7.x, prepareForShutdown in 6.x) the old dump.rdb and the new temp file coexist.
 * - save points trigger rdbSaveBackground from serverCron (server.c).
 * - a master whose full sync goes to disk calls rdbSaveBackground(server.rdb_filename)
 *   (startBgsaveForReplication, replication.c); with repl-diskless-sync it streams to sockets.
 * - a replica loads a disk-based full sync from a temp file renamed to dump.rdb
 *   (readSyncBulkPayload) and deletes it only when rdb-del-sync-files is yes AND all persistence
 *   is off (allPersistenceDisabled); rdb-del-sync-files defaults to no (config.c), and
 *   repl-diskless-load defaults to disabled, so a replica keeps dump.rdb.
 * - the master side cleanup removeRDBUsedToSyncReplicas also returns early when
 *   rdb-del-sync-files is no.
 *
 * @param input     configuration facts
 * @param rdbBytes  size of one snapshot, bytes; null when unknown
 * @throws never
 */
export function rdbFilesOnVolume(input: RdbFilesInput, rdbBytes: number | null): RdbFiles {
  const bySave = input.savePointCount > 0;
  const byReplicaSync = input.role === 'replica';
  const byDiskFullSync = input.hasReplicas && !input.replDisklessSync;
  const assumptions: string[] = [];
  if (bySave) {
    assumptions.push('save points configured: dump.rdb, plus a temp-<pid>.rdb of the same size while BGSAVE or the shutdown SAVE runs');
  }
  if (byReplicaSync) {
    assumptions.push('replica: a full sync is written to disk and kept as dump.rdb (repl-diskless-load disabled and rdb-del-sync-files no by default)');
  }
  if (byDiskFullSync) {
    assumptions.push('repl-diskless-sync no: every full sync BGSAVEs to dump.rdb');
  }
  const dumpPresent = bySave || byReplicaSync || byDiskFullSync;
  const bytes = dumpPresent ? rdbBytes : 0;
  return { dumpPresent, dumpBytes: bytes, tempBytes: bytes, assumptions };
}
