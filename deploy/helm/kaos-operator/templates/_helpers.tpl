{{/*
Object names are fixed, as `kaos install` writes them: the operator finds kaos-operator-config
and kaos-mcp-runtimes by name, and one operator serves a cluster.
*/}}

{{/* Labels of every object: KAOS's chart labels. */}}
{{- define "kaos-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: kaos-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The manager pod's labels, and the Deployment's selector. */}}
{{- define "kaos-operator.selectorLabels" -}}
control-plane: controller-manager
app.kubernetes.io/name: kaos-operator
{{- end }}

{{/* The one image: the operator's, and the default of every role it deploys. */}}
{{- define "kaos-operator.image" -}}
{{ .Values.controllerManager.manager.image.repository }}:{{ .Values.controllerManager.manager.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "kaos-operator.serviceAccountName" -}}
{{ .Values.serviceAccount.name | default "kaos-operator" }}
{{- end }}
