{{/* Labels every resource carries. */}}
{{- define "serverless-app.labels" -}}
app.kubernetes.io/part-of: serverless-app
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* A function's settings: functionDefaults overlaid with its own entry. Call with (list $ name). */}}
{{- define "serverless-app.function" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $own := index $root.Values.functions $name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy $root.Values.functionDefaults) (deepCopy $own)) -}}
{{- end }}

{{/* image reference of a function. Call with (list $ name fn). */}}
{{- define "serverless-app.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $fn := index . 2 -}}
{{- $image := $fn.image | default dict -}}
{{- $repository := $image.repository | default (printf "%s/%s" $root.Values.image.registry $name) -}}
{{- $tag := $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end }}

{{/* URL of an SQS queue by name: through the endpoint when one is set, else real SQS. */}}
{{- define "serverless-app.queueUrl" -}}
{{- $root := index . 0 -}}
{{- $queue := index . 1 -}}
{{- $aws := $root.Values.aws -}}
{{- if $aws.endpoint -}}
{{- printf "%s/%s/%s" (trimSuffix "/" $aws.endpoint) $aws.accountId $queue -}}
{{- else -}}
{{- printf "https://sqs.%s.amazonaws.com/%s/%s" $aws.region $aws.accountId $queue -}}
{{- end -}}
{{- end }}

{{/* ARN of an SQS queue by name. */}}
{{- define "serverless-app.queueArn" -}}
{{- $root := index . 0 -}}
{{- printf "arn:aws:sqs:%s:%s:%s" $root.Values.aws.region $root.Values.aws.accountId (index . 1) -}}
{{- end }}

{{/* The IAM role a function's ServiceAccount assumes: its own roleArn, or the provisioned one. */}}
{{- define "serverless-app.roleArn" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $fn := index . 2 -}}
{{- if $fn.serviceAccount.roleArn -}}
{{- $fn.serviceAccount.roleArn -}}
{{- else if $root.Values.provisioning.enabled -}}
{{- printf "arn:aws:iam::%s:role/%s" $root.Values.aws.accountId (include "serverless-app.roleName" (list $root $name)) -}}
{{- end -}}
{{- end }}

{{- define "serverless-app.roleName" -}}
{{- printf "serverless-app-%s-%s" (index . 0).Release.Namespace (index . 1) | trunc 64 -}}
{{- end }}

{{/* A function's environment, one EnvVar per entry of its env (functionDefaults.env overlaid with its
     own, by serverless-app.function), as values.yaml describes. Call with (list $ fn). */}}
{{- define "serverless-app.env" -}}
{{- $root := index . 0 -}}
{{- range $name, $value := (index . 1).env | default dict }}
{{- if kindIs "map" $value }}
{{- $source := tpl (toYaml $value) $root | fromYaml }}
{{- $ref := values $source | first | default dict }}
{{- if or (not (hasKey $ref "name")) $ref.name }}
- name: {{ $name }}
  valueFrom:
    {{- toYaml $source | nindent 4 }}
{{- end }}
{{- else if not (kindIs "invalid" $value) }}
{{- $rendered := tpl (toString $value) $root }}
{{- if or $rendered (not (contains "{{" (toString $value))) }}
- name: {{ $name }}
  value: {{ $rendered | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* AWS settings of an IntegrationSource/IntegrationSink: the queue's ARN, region, endpoint. */}}
{{- define "serverless-app.integrationAws" -}}
{{- $root := index . 0 -}}
{{- $queue := index . 1 -}}
arn: {{ include "serverless-app.queueArn" (list $root $queue) | quote }}
region: {{ $root.Values.aws.region | quote }}
{{- if $root.Values.aws.endpoint }}
overrideEndpoint: true
uriEndpointOverride: {{ $root.Values.aws.endpoint | quote }}
{{- end }}
{{- end }}

{{/* spec.aws.auth of the IntegrationSources and the IntegrationSink: the Secret, or the ServiceAccount
     they run as (Eventing 1.20+). values.schema.json lets exactly one through, as Knative needs one. */}}
{{- define "serverless-app.integrationAuth" -}}
{{- $auth := .Values.aws.eventingAuth -}}
auth:
{{- if $auth.secretName }}
  secret:
    ref:
      name: {{ $auth.secretName }}
{{- else }}
  serviceAccountName: {{ $auth.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Seconds of an ISO-8601 duration of the form values.schema.json admits (PnDTnHnMnS). */}}
{{- define "serverless-app.isoSeconds" -}}
{{- $d := regexFind "[0-9]+D" . | trimSuffix "D" | default "0" | atoi -}}
{{- $time := regexFind "T.*$" . -}}
{{- $h := regexFind "[0-9]+H" $time | trimSuffix "H" | default "0" | atoi -}}
{{- $m := regexFind "[0-9]+M" $time | trimSuffix "M" | default "0" | atoi -}}
{{- $s := regexFind "[0-9]+(\\.[0-9])?S" $time | trimSuffix "S" | default "0" | float64 | ceil | int -}}
{{- add (mul $d 86400) (mul $h 3600) (mul $m 60) $s -}}
{{- end }}

{{/* The Broker's delivery: retries with backoff, then the dead-letter sink. Call with (list $ timeout);
     a Trigger that needs a longer timeout repeats all of it, since the channel-based broker takes a
     Trigger's delivery instead of the Broker's, not merged with it. */}}
{{- define "serverless-app.delivery" -}}
{{- $root := index . 0 -}}
{{- $delivery := $root.Values.eventing.broker.delivery -}}
retry: {{ $delivery.retry }}
backoffPolicy: {{ $delivery.backoffPolicy }}
backoffDelay: {{ $delivery.backoffDelay }}
{{- with index . 1 }}
timeout: {{ . }}
{{- end }}
deadLetterSink:
  ref:
    apiVersion: sinks.knative.dev/v1alpha1
    kind: IntegrationSink
    name: {{ $root.Values.eventing.deadLetters.sinkName }}
{{- end }}

{{/* A policy document from iam/<name>.json with its ${PLACEHOLDERS} filled from values. */}}
{{- define "serverless-app.policyDocument" -}}
{{- $root := index . 0 -}}
{{- $aws := $root.Values.aws -}}
{{- $root.Files.Get (printf "iam/%s.json" (index . 1))
    | replace "${REGION}" $aws.region
    | replace "${ACCOUNT_ID}" $aws.accountId
    | replace "${TABLE}" $aws.table
    | replace "${BUCKET}" $aws.bucket
    | replace "${EMAIL_QUEUE}" $aws.queues.email
    | replace "${UPLOADS_QUEUE}" $aws.queues.uploads
    | replace "${DEAD_LETTER_QUEUE}" $aws.queues.deadLetters
    | replace "${MAIL_FROM}" $root.Values.mail.from -}}
{{- end }}

{{/* IRSA trust policy: only this ServiceAccount (a function's, or the eventing one), through the cluster's OIDC provider. */}}
{{- define "serverless-app.trustPolicy" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $oidc := $root.Values.provisioning.oidcProvider -}}
{{- $federated := printf "arn:aws:iam::%s:oidc-provider/%s" $root.Values.aws.accountId $oidc -}}
{{- $subject := printf "system:serviceaccount:%s:%s" $root.Release.Namespace $name -}}
{{- $condition := dict "StringEquals" (dict (printf "%s:sub" $oidc) $subject (printf "%s:aud" $oidc) "sts.amazonaws.com") -}}
{{- $statement := dict "Effect" "Allow" "Principal" (dict "Federated" $federated) "Action" "sts:AssumeRoleWithWebIdentity" "Condition" $condition -}}
{{- dict "Version" "2012-10-17" "Statement" (list $statement) | toJson -}}
{{- end }}

{{/* The chart's Brokers: eventing.broker.name, then each SQS source's own, once each. */}}
{{- define "serverless-app.brokers" -}}
{{- $names := list .Values.eventing.broker.name -}}
{{- range $key := list "email" "uploads" -}}
{{- $names = append $names (index $.Values.eventing.sqsSources $key).broker -}}
{{- end -}}
{{- toYaml (uniq $names) -}}
{{- end -}}

{{/* The Kafka broker's config ConfigMap, one for all the chart's Brokers: the Kafka broker only reads
     it, and names each Broker's topic after the Broker (knative-broker-<namespace>-<name>). */}}
{{- define "serverless-app.kafkaConfigName" -}}
{{- printf "%s-kafka-config" .Values.eventing.broker.name | trunc 63 | trimSuffix "-" -}}
{{- end }}
