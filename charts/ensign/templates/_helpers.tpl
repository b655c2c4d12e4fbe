{{/* Chart name, overridable. */}}
{{- define "ensign.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: the release name when it already contains the chart name,
otherwise <release>-<chart>. Kept to 40 characters so suffixes such as "-operator-certs" still
fit the 63-character label limit.
*/}}
{{- define "ensign.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the operator's Deployment, Service, ClusterRole and Lease: <fullname>-operator. */}}
{{- define "ensign.operatorName" -}}
{{- printf "%s-operator" (include "ensign.fullname" .) }}
{{- end }}

{{/* The MutatingWebhookConfiguration, passed to the operator as --webhook-configuration. */}}
{{- define "ensign.webhookConfigurationName" -}}
{{- printf "%s-inject" (include "ensign.fullname" .) }}
{{- end }}

{{/* The Secret holding the operator's self-managed CA and serving certificates. */}}
{{- define "ensign.certificateSecretName" -}}
{{- printf "%s-operator-certs" (include "ensign.fullname" .) }}
{{- end }}

{{/* The Secret cert-manager writes the serving certificate into (certManager.enabled). */}}
{{- define "ensign.tlsSecretName" -}}
{{- printf "%s-operator-tls" (include "ensign.fullname" .) }}
{{- end }}

{{- define "ensign.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ensign.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ensign.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the operator pods; never change them in an upgrade (selectors are immutable). */}}
{{- define "ensign.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ensign.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "ensign.labels" -}}
helm.sh/chart: {{ include "ensign.chart" . }}
{{ include "ensign.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: ensign
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* repository@digest when a digest is given, else repository:tag (tag defaults to appVersion). */}}
{{- define "ensign.imageRef" -}}
{{- $image := index . 0 }}
{{- $root := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/* In-cluster address of the sync channel that injected sidecars dial. */}}
{{- define "ensign.operatorAddress" -}}
{{- printf "%s.%s.svc:%v" (include "ensign.operatorName" .) .Release.Namespace .Values.service.syncPort }}
{{- end }}

{{/* Where the operator reads the serving certificate cert-manager issued. */}}
{{- define "ensign.tlsDir" -}}
/etc/ensign/tls
{{- end }}

{{- define "ensign.injectionConfigDir" -}}
/etc/ensign/injection
{{- end }}
