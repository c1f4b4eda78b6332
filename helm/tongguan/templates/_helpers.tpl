{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "tongguan.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "tongguan.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of the core Service (and Deployment). */}}
{{- define "tongguan.coreName" -}}
{{- printf "%s-core" (include "tongguan.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tongguan.deliveryName" -}}
{{- printf "%s-delivery" (include "tongguan.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tongguan.configName" -}}
{{- printf "%s-config" (include "tongguan.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "tongguan.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "tongguan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "core"). */}}
{{- define "tongguan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tongguan.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tongguan.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret every pod reads; rendering fails without it. */}}
{{- define "tongguan.secretName" -}}
{{- required "existingSecret is required: the name of a Secret holding API_KEYS and DATABASE_URL (see values.yaml)" .Values.existingSecret -}}
{{- end -}}
