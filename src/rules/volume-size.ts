import { roleKey, type RuleFix } from '../fix/operations.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';

/**
 * The fix of the disk rules (aof-disk-headroom, aof-rewrite-unreachable): the data volume to the
 * model's recommended size (the projected peak disk use plus the policy's headroom, src/model).
 * Where the size is written (a values file, a HelmRelease, a volumeClaimTemplate), else the
 * chart's `<role>.persistence.size`. A StatefulSet's volumeClaimTemplates cannot change on an
 * existing object (the API server forbids it): the description says how to resize instead.
 */
export const volumeSizeFix: RuleFix = {
  safe: false,
  description: "set the data volume's size to the model's recommended size",
  propose({ dep, projection: p }) {
    const size = dep.volume.size;
    if (!p || p.disk.recommendedVolumeBytes === null || !size) return 'the model has no recommended volume size for this deployment (no dataset bound)';
    if (size.value >= p.disk.recommendedVolumeBytes) return 'the volume is already at least the recommended size';
    const quantity = formatQuantity(p.disk.recommendedVolumeBytes);
    const vct = dep.source === 'workload' && size.origin.kind === 'file' && /volumeClaimTemplates/.test(size.origin.pos.yamlPath);
    const sts = vct ? '; an existing StatefulSet cannot change volumeClaimTemplates: resize its PVCs and recreate the StatefulSet with --cascade=orphan' : '';
    const peak = p.disk.peakBytes !== null ? `projected peak disk ${formatBytes(p.disk.peakBytes)} + headroom` : 'the model';
    return {
      operations: [{ op: 'set-setting', origin: size.origin, value: quantity, chartKey: [roleKey(dep), 'persistence', 'size'], what: 'the volume size' }],
      description: `set {where}: ${quantity} (was ${formatQuantity(size.value)}; recommended by ${peak}, ${p.dataset.basis === 'workload' ? 'dataset from the workload inputs' : `dataset bounded by ${p.dataset.basis}`})${sts}`,
    };
  },
};
