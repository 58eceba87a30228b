import { defineRule } from './rule.js';

/** helm-template-skipped: reported by the loader (src/load: Helm chart sources and files with template actions are not YAML until rendered), not by a check of its own; its metadata, defaults and docs live here. */
export const helmTemplateSkipped = defineRule({
  id: 'helm-template-skipped',
  meta: {
    description: "A Helm chart source (a directory with Chart.yaml and templates/) or a file with template actions ({{ }}) is not YAML until rendered, so it was not linted. Said once per chart.",
    remediation: "Lint what the chart renders to: helm template <release> <chart> -f <values> | redis-lint -. The chart's values.yaml is linted as it is. To stop the notice, exclude the chart (--exclude 'charts/**' or ignorePaths: in .redis-lint.yaml) or turn the rule off.",
    incident: "A whole GitOps repository linted with redis-lint . failed on every file under a chart's templates/ (340 invalid-yaml errors in one repository), burying the Redis findings.",
    category: 'configuration',
    precision: 'very-high',
    docs: { scope: 'file', commentSuppressible: true },
    examples: [{ file: "deployment.yaml", bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
`, good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
` }],
  },
  defaults: { severity: 'info' },
});
