{{- define "stepwise.fullname" -}}
{{- /* release "stepwise" -> stepwise-operator, the names operator/ uses; "x" -> x-stepwise-operator */ -}}
{{- if contains "stepwise" .Release.Name -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-stepwise-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "stepwise.labels" -}}
app.kubernetes.io/name: stepwise
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "stepwise.selectorLabels" -}}
app.kubernetes.io/name: stepwise
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* The operator's rules: the one list in operator/rbac/clusterrole.yaml (files/ links to it). */}}
{{- define "stepwise.rules" -}}
{{- (.Files.Get "files/clusterrole.yaml" | fromYaml).rules | toYaml -}}
{{- end -}}
