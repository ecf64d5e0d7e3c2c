/**
 * Vigie's default notification templates: the names Alertmanager's default.tmpl defines (and
 * users call, e.g. `{{ template "slack.default.title" . }}`), written for Vigie. `__alertmanager`
 * names the sender (Vigie) and `__alertmanagerURL` links to Vigie's alerts page.
 */
export const DEFAULT_TEMPLATE_LIBRARY = `
{{ define "__alertmanager" }}Vigie{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/alerts?receiver={{ .Receiver | urlquery }}{{ end }}
{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
{{ define "__description" }}{{ end }}
{{ define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}
{{ define "__text_alerts_by_status" }}{{ if gt (len .Alerts.Firing) 0 }}Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}

{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{ define "slack.default.pretext" }}{{ end }}
{{ define "slack.default.text" }}{{ end }}
{{ define "slack.default.callbackid" }}{{ end }}
{{ define "slack.default.iconemoji" }}{{ end }}
{{ define "slack.default.iconurl" }}{{ end }}
{{ define "slack.default.footer" }}{{ end }}

{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
{{ define "email.default.text" }}{{ template "__subject" . }}

{{ template "__text_alerts_by_status" . }}
{{ template "__alertmanagerURL" . }}
{{ end }}
{{ define "__email_alert" }}<div style="border-left:4px solid {{ if eq .Status "firing" }}#c0392b{{ else }}#27ae60{{ end }};margin:12px 0;padding:4px 12px">
<div style="font-weight:bold">{{ or .Annotations.summary .Labels.alertname }}</div>
<div style="color:#777;font-size:12px">Started {{ .StartsAt }}{{ if eq .Status "resolved" }}, resolved {{ .EndsAt }}{{ end }}</div>
<table style="border-collapse:collapse;font-size:13px;margin-top:6px">{{ range .Labels.SortedPairs }}<tr><td style="padding:2px 8px;color:#555">{{ .Name }}</td><td style="padding:2px 8px">{{ .Value }}</td></tr>{{ end }}</table>
{{ if gt (len .Annotations) 0 }}<table style="border-collapse:collapse;font-size:13px;margin-top:6px">{{ range .Annotations.SortedPairs }}<tr><td style="padding:2px 8px;color:#555">{{ .Name }}</td><td style="padding:2px 8px">{{ .Value }}</td></tr>{{ end }}</table>{{ end }}
{{ if .GeneratorURL }}<div style="margin-top:6px"><a href="{{ .GeneratorURL }}">Source</a></div>{{ end }}
</div>
{{ end }}
{{ define "email.default.html" }}<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ template "__subject" . }}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:720px">
<h2 style="margin:0 0 8px">{{ template "__subject" . }}</h2>
<p><a href="{{ template "__alertmanagerURL" . }}">View in {{ template "__alertmanager" . }}</a></p>
{{ if gt (len .Alerts.Firing) 0 }}<h3 style="margin:16px 0 4px">Firing ({{ len .Alerts.Firing }})</h3>
{{ range .Alerts.Firing }}{{ template "__email_alert" . }}{{ end }}{{ end }}
{{ if gt (len .Alerts.Resolved) 0 }}<h3 style="margin:16px 0 4px">Resolved ({{ len .Alerts.Resolved }})</h3>
{{ range .Alerts.Resolved }}{{ template "__email_alert" . }}{{ end }}{{ end }}
<p style="color:#999;font-size:11px">Sent by {{ template "__alertmanager" . }} for receiver {{ .Receiver }}.</p>
</body></html>
{{ end }}

{{ define "telegram.default.message" }}{{ template "__text_alerts_by_status" . }}{{ end }}
{{ define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "discord.default.message" }}{{ template "__text_alerts_by_status" . }}{{ end }}
{{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.text" }}{{ template "__text_alerts_by_status" . }}{{ end }}
{{ define "msteamsv2.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteamsv2.default.text" }}{{ template "__text_alerts_by_status" . }}{{ end }}
{{ define "ntfy.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "ntfy.default.message" }}{{ template "__text_alerts_by_status" . }}{{ end }}
{{ define "gotify.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "gotify.default.message" }}{{ template "__text_alerts_by_status" . }}{{ end }}
`;
