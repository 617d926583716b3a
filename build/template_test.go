// Package build holds the deployment: template.yaml, the package command
// and the publish script. Its tests check the template against the code,
// since nothing here can deploy it.
package build

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"familjeratt.example/portal/build/cloudformation"
	"familjeratt.example/portal/build/cms"
	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/lambda"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
	"familjeratt.example/portal/functions/ledger/dynamostore"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/boltstats"
	"familjeratt.example/portal/functions/stats/dynamostats"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/server"
)

// params are the parameters a deployment gives, for evaluating the
// template; the defaults fill the rest. OfficeInboxes gives every office
// of the content a real inbox, however many there are.
var params = map[string]string{
	"DomainName":     "familjeratt.kommun.example",
	"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f2b5c3e-1a2b-4c5d-8e9f-0123456789ab",
	"SmtpAddress":    "email-smtp.eu-north-1.amazonaws.com:587",
	"SenderAddress":  "noreply@familjeratt.kommun.example",
	"OfficeInboxes":  officeInboxes(),
	"AlarmEmail":     "drift@kommun.example",
}

// realInbox is the address a deployment gives an office in the tests:
// not the placeholder in its file.
func realInbox(id string) string { return "familjeratt@" + id + ".kommun.example" }

// officeInboxes is the OfficeInboxes parameter for every office of the
// content built into the function, from the content: a list of today's
// offices here would reject the next one to join. If the content does not
// load, it is empty, and TestEnvironment says why.
func officeInboxes() string {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		return ""
	}
	var pairs []string
	for _, o := range data.Directory.Offices {
		pairs = append(pairs, o.ID+"="+realInbox(o.ID))
	}
	return strings.Join(pairs, ", ")
}

// loadTemplate reads template.yaml with its intrinsic functions and
// evaluates it for params (merged over defaults).
func loadTemplate(t *testing.T, over map[string]string) (raw, evaluated map[string]any, s *cloudformation.Stack) {
	t.Helper()
	data, err := os.ReadFile("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err = cloudformation.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err = cloudformation.New(raw, over)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckReferences(raw); err != nil {
		t.Fatal(err)
	}
	v, keep, err := s.Eval(raw)
	if err != nil || !keep {
		t.Fatalf("evaluating the template: %v", err)
	}
	return raw, v.(map[string]any), s
}

// get walks a path of map keys and list indexes: "Resources.X.Properties".
func get(t *testing.T, v any, path string) any {
	t.Helper()
	cur := v
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[p]
			if !ok {
				t.Fatalf("%s: no %q", path, p)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				t.Fatalf("%s: no item %q", path, p)
			}
			cur = c[i]
		default:
			t.Fatalf("%s: %q is inside a %T", path, p, cur)
		}
	}
	return cur
}

// resourcesOf returns the resources of a type, by logical id.
func resourcesOf(t *testing.T, tpl map[string]any, typ string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, r := range get(t, tpl, "Resources").(map[string]any) {
		if r := r.(map[string]any); r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// only returns the single resource of a type.
func only(t *testing.T, tpl map[string]any, typ string) (string, map[string]any) {
	t.Helper()
	rs := resourcesOf(t, tpl, typ)
	if len(rs) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(rs), typ)
	}
	for id, r := range rs {
		return id, r
	}
	panic("unreachable")
}

func TestFunction(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	_, fn := only(t, tpl, "AWS::Serverless::Function")
	props := fn["Properties"].(map[string]any)
	tests := []struct {
		path string
		want any
	}{
		{"Handler", "bootstrap"},
		{"Runtime", "provided.al2023"},
		{"Architectures", []any{"arm64"}},
		{"MemorySize", 256},
		{"Timeout", 30},
		// make package writes build/out/bootstrap.zip; CodeUri is
		// relative to the template's folder.
		{"CodeUri", "out/bootstrap.zip"},
		{"ReservedConcurrentExecutions", "20"}, // the parameter's default
	}
	for _, tt := range tests {
		if got := get(t, props, tt.path); !equal(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.path, got, tt.want)
		}
	}
}

// equal compares template values loosely as CloudFormation does: 256 and
// "256" are the same number.
func equal(a, b any) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestEnvironment: the function gets every variable it reads, and no
// other; the values are ones it accepts; the password is never in the
// template.
func TestEnvironment(t *testing.T) {
	raw, tpl, _ := loadTemplate(t, params)
	id, _ := only(t, tpl, "AWS::Serverless::Function")
	declared := get(t, raw, "Resources."+id+".Properties.Environment.Variables").(map[string]any)
	var deployed []string
	for k, v := range function.Env {
		if v.Deployed {
			deployed = append(deployed, k)
		}
	}
	if got, want := slices.Sorted(maps.Keys(declared)), slices.Sorted(slices.Values(deployed)); !slices.Equal(got, want) {
		t.Errorf("the template sets %v\nthe function reads (function.Env, deployed) %v", got, want)
	}

	env := get(t, tpl, "Resources."+id+".Properties.Environment.Variables").(map[string]any)
	if got, want := env["INTAKE_ALLOWED_ORIGIN"], "https://"+params["DomainName"]; got != want {
		t.Errorf("INTAKE_ALLOWED_ORIGIN = %v, want %s: forms post from the site's own origin", got, want)
	}
	for _, name := range []string{"INTAKE_SMTP_PASSWORD", "INTAKE_SMTP_USERNAME", "INTAKE_SIGNING_KEY", "INTAKE_RECEIPT_KEY"} {
		v, _ := env[name].(string)
		if !regexp.MustCompile(`^\{\{resolve:secretsmanager:[^}]+:SecretString:[a-z_]+\}\}$`).MatchString(v) {
			t.Errorf("%s = %q: want a Secrets Manager dynamic reference, never a value", name, v)
		}
	}
	for name, p := range get(t, raw, "Parameters").(map[string]any) {
		if strings.Contains(strings.ToLower(name), "password") {
			t.Errorf("parameter %s: the password must not pass through the template (%v)", name, p)
		}
	}

	// The configuration the template gives is one the function accepts:
	// the same function.New the binary runs at start. The secrets stand in
	// for what CloudFormation would resolve, and the content is the
	// committed one with the certificates a real deployment has: its
	// offices' own, and the portal's signing certificate.
	fsys, signingKey := deployedContent(t)
	getenv := func(k string) string {
		switch k {
		case "AWS_LAMBDA_RUNTIME_API":
			return "127.0.0.1:9001" // as on Lambda
		case "INTAKE_SMTP_USERNAME", "INTAKE_SMTP_PASSWORD":
			return "resolved-" + k
		case "INTAKE_SIGNING_KEY":
			return signingKey
		case "INTAKE_RECEIPT_KEY":
			return "resolved-receipt-key-of-32-characters-or-more"
		case "INTAKE_ACK_KEY":
			return "resolved-ack-key-of-32-characters-or-more-too"
		case "AWS_REGION":
			return "eu-north-1" // as Lambda sets it
		}
		s, _ := env[k].(string)
		return s
	}
	fn, err := function.New(getenv, function.Options{Content: fsys})
	if err != nil {
		t.Fatalf("the function refuses the template's configuration: %v", err)
	}
	if _, isInbox := fn.Transport.(*delivery.Inbox); isInbox {
		t.Errorf("the deployed function would deliver to a local folder, not by SMTP")
	}
	if len(fn.Live) == 0 || len(fn.Live) != len(fn.Data.Directory.Offices) {
		t.Errorf("%d of %d offices live: params gives every office an inbox", len(fn.Live), len(fn.Data.Directory.Offices))
	}
	for _, o := range fn.Live {
		if got := fn.Inboxes.For(o); got != realInbox(o.ID) {
			t.Errorf("office %s delivers to %s, want the deployment's %s", o.ID, got, realInbox(o.ID))
		}
	}
	// With the committed development certificates it refuses to start:
	// a deployment that gives the offices that have one their real
	// inboxes (whichever others there are, with whatever certificates).
	if dev := developmentOffices(t); dev != "" {
		withDev := func(k string) string {
			if k == "INTAKE_INBOXES" {
				return dev
			}
			return getenv(k)
		}
		if _, err := function.New(withDev, function.Options{}); err == nil || !strings.Contains(err.Error(), "development") {
			t.Errorf("the template's configuration with development certificates: %v, want a refusal", err)
		}
	}
	// A certificate is checked against the deployment's real inbox: one
	// for the placeholder in the office's file is refused.
	placeholders, _ := deployedContentFor(t, func(o *content.Office) string { return o.Intake.Inbox })
	encrypting := slices.ContainsFunc(fn.Data.Directory.Offices, func(o *content.Office) bool { return len(o.Intake.Certs) > 0 })
	if _, err := function.New(getenv, function.Options{Content: placeholders}); encrypting && (err == nil || !strings.Contains(err.Error(), "in INTAKE_INBOXES, but a certificate for")) {
		t.Errorf("certificates for the placeholders, real inboxes: %v, want a refusal naming the certificate", err)
	}
}

// developmentOffices is INTAKE_INBOXES for the committed offices that
// have a development certificate, each with its real inbox; "" if none
// has.
func developmentOffices(t *testing.T) string {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, o := range data.Directory.Offices {
		if slices.ContainsFunc(o.Intake.Certs, content.IsDevelopment) {
			pairs = append(pairs, o.ID+"="+realInbox(o.ID))
		}
	}
	return strings.Join(pairs, ",")
}

// deployedContent is the committed data with every office's certificate
// and the portal's signing certificate replaced by ones made for the
// test, as a deployment has them: each office's for the real inbox the
// deployment gives it. It returns the signing key too.
func deployedContent(t *testing.T) (fstest.MapFS, string) {
	t.Helper()
	return deployedContentFor(t, func(o *content.Office) string { return realInbox(o.ID) })
}

// deployedContentFor is deployedContent with each office's certificates
// made for the address addr gives.
func deployedContentFor(t *testing.T, addr func(*content.Office) string) (fstest.MapFS, string) {
	t.Helper()
	fsys := contenttest.Data(t, nil)
	data, err := content.LoadData(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Directory.Offices) == 0 {
		t.Fatal("no offices")
	}
	files := map[string]string{}
	for _, o := range data.Directory.Offices {
		for _, c := range o.Intake.Certificates {
			files["offices/"+c] = string(mailtest.NewRecipient(t, addr(o)).CertPEM)
		}
	}
	signer := mailtest.NewSigner(t, params["SenderAddress"])
	files[content.SigningFile] = string(signer.CertPEM)
	return contenttest.Put(fsys, files), string(signer.KeyPEM)
}

// TestSecurityHeaders: the response-headers policies give exactly
// chrome.SecurityHeaders, every header and every value, on every
// behaviour but the web editor's, and the editor's exactly
// chrome.AdminSecurityHeaders for GitHub.
func TestSecurityHeaders(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	policies := resourcesOf(t, tpl, "AWS::CloudFront::ResponseHeadersPolicy")
	if len(policies) != 2 {
		t.Fatalf("%d response-headers policies, want 2: the site's and the web editor's", len(policies))
	}
	check := func(id string, headers []chrome.Header) {
		policy, ok := policies[id]
		if !ok {
			t.Fatalf("no response-headers policy %s", id)
		}
		cfg := get(t, policy, "Properties.ResponseHeadersPolicyConfig").(map[string]any)
		got, err := policyHeaders(cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, h := range headers {
			want[http.CanonicalHeaderKey(h.Name)] = h.Value
		}
		for name, v := range want {
			if got[name] != v {
				t.Errorf("%s: %s\n got: %q\nwant: %q", id, name, got[name], v)
			}
		}
		for name, v := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: %s: %q is not one of the Go headers", id, name, v)
			}
		}
	}
	check("SecurityHeadersPolicy", chrome.SecurityHeaders)
	check("AdminHeadersPolicy", chrome.AdminSecurityHeaders(cms.GitHubConnect, cms.GitHubImages))

	dist := get(t, tpl, "Resources.Distribution.Properties.DistributionConfig").(map[string]any)
	behaviours := []any{dist["DefaultCacheBehavior"]}
	behaviours = append(behaviours, dist["CacheBehaviors"].([]any)...)
	admin := false
	for _, b := range behaviours {
		b := b.(map[string]any)
		want := "ref:SecurityHeadersPolicy"
		if b["PathPattern"] == cms.Path+"*" {
			want, admin = "ref:AdminHeadersPolicy", true
			// The editor is files in the bucket, addressed as the pages are.
			if b["TargetOriginId"] != "site" || !equal(b["FunctionAssociations"], dist["DefaultCacheBehavior"].(map[string]any)["FunctionAssociations"]) {
				t.Errorf("behaviour %s: %v", cms.Path+"*", b)
			}
		}
		if b["ResponseHeadersPolicyId"] != want {
			t.Errorf("behaviour %v has response headers policy %v, want %s", b["PathPattern"], b["ResponseHeadersPolicyId"], want)
		}
	}
	if !admin {
		t.Errorf("no behaviour for %s*: the web editor would get the parents' headers, under which it cannot run", cms.Path)
	}
}

// securityConfigHeaders are the headers CloudFront's SecurityHeadersConfig
// names; it refuses them as custom headers.
var securityConfigHeaders = []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
	"Referrer-Policy", "Strict-Transport-Security", "X-Xss-Protection"}

// policyHeaders turns a ResponseHeadersPolicyConfig into the headers
// CloudFront sends, as CloudFront documents each field.
func policyHeaders(cfg map[string]any) (map[string]string, error) {
	out := map[string]string{}
	var errs []error
	add := func(name, value string, override any) {
		name = http.CanonicalHeaderKey(name)
		if _, dup := out[name]; dup {
			errs = append(errs, fmt.Errorf("%s is set twice", name))
		}
		if override != true {
			errs = append(errs, fmt.Errorf("%s: Override must be true, so the origin cannot send another value", name))
		}
		out[name] = value
	}
	sec, _ := cfg["SecurityHeadersConfig"].(map[string]any)
	for field, v := range sec {
		f := v.(map[string]any)
		switch field {
		case "ContentSecurityPolicy":
			add("Content-Security-Policy", fmt.Sprint(f["ContentSecurityPolicy"]), f["Override"])
		case "ContentTypeOptions":
			add("X-Content-Type-Options", "nosniff", f["Override"])
		case "FrameOptions":
			add("X-Frame-Options", fmt.Sprint(f["FrameOption"]), f["Override"])
		case "ReferrerPolicy":
			add("Referrer-Policy", fmt.Sprint(f["ReferrerPolicy"]), f["Override"])
		case "StrictTransportSecurity":
			v := "max-age=" + fmt.Sprint(f["AccessControlMaxAgeSec"])
			if f["IncludeSubdomains"] == true {
				v += "; includeSubDomains"
			}
			if f["Preload"] == true {
				v += "; preload"
			}
			add("Strict-Transport-Security", v, f["Override"])
		case "XSSProtection":
			v := "0"
			if f["Protection"] == true {
				v = "1"
				if f["ModeBlock"] == true {
					v += "; mode=block"
				}
				if r, ok := f["ReportUri"]; ok {
					v += "; report=" + fmt.Sprint(r)
				}
			}
			add("X-XSS-Protection", v, f["Override"])
		default:
			errs = append(errs, fmt.Errorf("SecurityHeadersConfig.%s: unknown field", field))
		}
	}
	if custom, ok := cfg["CustomHeadersConfig"].(map[string]any); ok {
		for _, item := range custom["Items"].([]any) {
			h := item.(map[string]any)
			name := fmt.Sprint(h["Header"])
			if slices.Contains(securityConfigHeaders, http.CanonicalHeaderKey(name)) {
				errs = append(errs, fmt.Errorf("%s is a custom header; CloudFront takes it only in SecurityHeadersConfig", name))
			}
			add(name, fmt.Sprint(h["Value"]), h["Override"])
		}
	}
	return out, errors.Join(errs...)
}

// TestDistribution: the site and the function under one domain, as the
// issue asks and the local server does.
func TestDistribution(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	dist := "Resources.Distribution.Properties.DistributionConfig."
	apiID, _ := only(t, tpl, "AWS::Serverless::HttpApi")
	tests := []struct {
		path string
		want any
	}{
		{dist + "Aliases", []any{params["DomainName"]}},
		{dist + "ViewerCertificate.AcmCertificateArn", params["CertificateArn"]},
		{dist + "ViewerCertificate.SslSupportMethod", "sni-only"},
		{dist + "HttpVersion", "http2and3"},
		{dist + "DefaultCacheBehavior.ViewerProtocolPolicy", "redirect-to-https"},
		{dist + "DefaultCacheBehavior.Compress", true},
		{dist + "DefaultCacheBehavior.TargetOriginId", "site"},
		{dist + "DefaultCacheBehavior.FunctionAssociations.0.EventType", "viewer-request"},
		{dist + "DefaultCacheBehavior.FunctionAssociations.0.FunctionARN", "getatt:PathFunction.FunctionMetadata.FunctionARN"},
		{dist + "Origins.0.Id", "site"},
		{dist + "Origins.0.DomainName", "getatt:SiteBucket.RegionalDomainName"},
		{dist + "Origins.0.OriginAccessControlId", "getatt:SiteOriginAccessControl.Id"},
		{dist + "Origins.0.S3OriginConfig.OriginAccessIdentity", ""},
		{dist + "Origins.1.Id", "intake"},
		{dist + "Origins.1.DomainName", "ref:" + apiID + ".execute-api.eu-north-1.amazonaws.com"},
		{dist + "Origins.1.CustomOriginConfig.OriginProtocolPolicy", "https-only"},
		// /api/*: the function, never cached, every method.
		{dist + "CacheBehaviors.0.PathPattern", "/api/*"},
		{dist + "CacheBehaviors.0.TargetOriginId", "intake"},
		{dist + "CacheBehaviors.0.ViewerProtocolPolicy", "https-only"},
		{dist + "CacheBehaviors.0.Compress", true},
		{dist + "CacheBehaviors.0.CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}, // Managed-CachingDisabled
		{dist + "CacheBehaviors.0.AllowedMethods", []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}},
		{dist + "CacheBehaviors.0.OriginRequestPolicyId", "ref:IntakeOriginRequestPolicy"},
		{"Resources.IntakeOriginRequestPolicy.Properties.OriginRequestPolicyConfig.CookiesConfig.CookieBehavior", "all"},
		{"Resources.IntakeOriginRequestPolicy.Properties.OriginRequestPolicyConfig.QueryStringsConfig.QueryStringBehavior", "all"},
		{"Resources.IntakeOriginRequestPolicy.Properties.OriginRequestPolicyConfig.HeadersConfig.HeaderBehavior", "whitelist"},
		// The HTTP API: payload 2.0, the shape lambda.Handler reads;
		// throttled.
		{"Resources.IntakeFunction.Properties.Events.Api.Type", "HttpApi"},
		{"Resources.IntakeFunction.Properties.Events.Api.Properties.ApiId", "ref:" + apiID},
		{"Resources.IntakeFunction.Properties.Events.Api.Properties.Path", "/api/{proxy+}"},
		{"Resources.IntakeFunction.Properties.Events.Api.Properties.Method", "ANY"},
		{"Resources.IntakeFunction.Properties.Events.Api.Properties.PayloadFormatVersion", "2.0"},
		{"Resources." + apiID + ".Properties.DefaultRouteSettings.ThrottlingRateLimit", "50"},
		{"Resources." + apiID + ".Properties.DefaultRouteSettings.ThrottlingBurstLimit", "100"},
		// Form posts: a route of their own, throttled lower (the spam
		// defence in front of the function).
		{"Resources.IntakeFunction.Properties.Events.Forms.Properties.Method", "POST"},
		{"Resources.IntakeFunction.Properties.Events.Forms.Properties.Path", "/api/forms/{form}"},
		{"Resources.IntakeFunction.Properties.Events.Forms.Properties.ApiId", "ref:" + apiID},
		{"Resources." + apiID + ".Properties.RouteSettings.POST /api/forms/{form}.ThrottlingRateLimit", "5"},
		{"Resources." + apiID + ".Properties.RouteSettings.POST /api/forms/{form}.ThrottlingBurstLimit", "20"},
		// The hung-relay test in functions/function models this many
		// instances (its reservedConcurrency).
		{"Resources.IntakeFunction.Properties.ReservedConcurrentExecutions", "20"},
		// The private bucket.
		{"Resources.SiteBucket.Properties.PublicAccessBlockConfiguration", map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}},
		{"Resources.SiteBucket.Properties.OwnershipControls.Rules.0.ObjectOwnership", "BucketOwnerEnforced"},
		{"Resources.SiteBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm", "AES256"},
		{"Resources.SiteBucketPolicy.Properties.PolicyDocument.Statement.0.Principal.Service", "cloudfront.amazonaws.com"},
		{"Resources.SiteBucketPolicy.Properties.PolicyDocument.Statement.0.Condition.StringEquals.AWS:SourceArn",
			"arn:aws:cloudfront::123456789012:distribution/ref:Distribution"},
		// What make publish-site needs.
		{"Outputs.SiteBucketName.Value", "ref:SiteBucket"},
		{"Outputs.DistributionId.Value", "ref:Distribution"},
		{"Outputs.DistributionDomain.Value", "getatt:Distribution.DomainName"},
	}
	for _, tt := range tests {
		if got := get(t, tpl, tt.path); fmt.Sprintf("%#v", normalise(got)) != fmt.Sprintf("%#v", normalise(tt.want)) {
			t.Errorf("%s\n got: %#v\nwant: %#v", tt.path, got, tt.want)
		}
	}

	headers := get(t, tpl, "Resources.IntakeOriginRequestPolicy.Properties.OriginRequestPolicyConfig.HeadersConfig.Headers").([]any)
	var names []string
	for _, h := range headers {
		names = append(names, http.CanonicalHeaderKey(fmt.Sprint(h)))
	}
	for _, need := range []string{"Origin", "Sec-Fetch-Site", "Content-Type"} {
		if !slices.Contains(names, need) {
			t.Errorf("the function needs %s (the same-origin check, the form) but CloudFront does not forward it", need)
		}
	}
	if slices.Contains(names, "Host") {
		t.Errorf("Host is forwarded: the HTTP API answers only to its own name")
	}
}

// normalise makes numbers and strings compare alike, recursively.
func normalise(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = normalise(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalise(x)
		}
		return out
	case bool:
		return v
	}
	return fmt.Sprint(v)
}

func TestErrorPages(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	got := map[string]string{}
	for _, r := range get(t, tpl, "Resources.Distribution.Properties.DistributionConfig.CustomErrorResponses").([]any) {
		r := r.(map[string]any)
		got[fmt.Sprint(r["ErrorCode"])] = fmt.Sprintf("%v %v", r["ResponseCode"], r["ResponsePagePath"])
	}
	// S3 says 403 for a key that does not exist (CloudFront may not list
	// the bucket), and 404 where it may: both are the site's 404 page,
	// with status 404, as the local server answers.
	want := map[string]string{"403": "404 /404.html", "404": "404 /404.html"}
	if !maps.Equal(got, want) {
		t.Errorf("custom error responses %v, want %v", got, want)
	}
}

func TestLogs(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	groupID, group := only(t, tpl, "AWS::Logs::LogGroup")
	if got := get(t, group, "Properties.RetentionInDays"); !equal(got, 30) {
		t.Errorf("log retention %v days, want 30", got)
	}
	if got := get(t, tpl, "Resources.IntakeFunction.Properties.LoggingConfig.LogGroup"); got != "ref:"+groupID {
		t.Errorf("the function logs to %v, not to %s, whose retention is set", got, groupID)
	}
}

// TestLogAlarms runs the function through the Lambda adapter: with a mail
// server that fails and one that works, with the hidden field filled and
// not; and applies each of the template's metric filters to the JSON lines
// it logs. Each filter matches exactly the lines it counts, and its alarm
// watches its metric.
func TestLogAlarms(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	// Delivery to an inbox below a regular file fails, as a mail server
	// that is down would.
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	valid := readEvent(t, "valid-post.json")
	filled := valid
	body := valid.Body
	if valid.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	filled.Body, filled.IsBase64Encoded = body+"&website=http%3A%2F%2Fspam.example", false
	filters := map[string]string{"DeliveryFailuresMetric": "DeliveryFailuresAlarm", "HoneypotMetric": "HoneypotAlarm",
		"LedgerFailuresMetric": "LedgerFailuresAlarm", "BouncesMetric": "BouncesAlarm", "EscalationsMetric": "EscalationsAlarm",
		"StatisticsFailuresMetric": "StatisticsFailuresAlarm"}
	if got := resourcesOf(t, tpl, "AWS::Logs::MetricFilter"); len(got) != len(filters) {
		t.Errorf("%d metric filters, want %d: test each one here", len(got), len(filters))
	}
	// A ledger that cannot be written: a real store, closed.
	broken, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	broken.Close()
	bounce, err := os.ReadFile(filepath.Join("..", "functions", "ses", "testdata", "bounce.json"))
	if err != nil {
		t.Fatal(err)
	}
	// accepted puts the bounce fixture's reference in the ledger as
	// accepted by an office's server, the given time ago.
	accepted := func(ago time.Duration) func(t *testing.T, fn *function.Function) {
		return func(t *testing.T, fn *function.Function) {
			ctx := context.Background()
			book := *fn.Ledger
			book.Now = func() time.Time { return time.Now().Add(-ago) }
			if _, err := book.Begin(ctx, "3VR2-KZ78", "samarbetssamtal", fn.Data.Directory.Offices[0].ID, ""); err != nil {
				t.Fatal(err)
			}
			if _, _, err := book.Record(ctx, "3VR2-KZ78", ledger.Accepted, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Counters that cannot be written: a real store whose file became
	// a folder.
	brokenStatsFile := filepath.Join(t.TempDir(), "stats.db")
	brokenStats, err := boltstats.Open(brokenStatsFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(brokenStatsFile); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(brokenStatsFile, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		inbox   string
		store   ledger.Store
		stats   stats.Store
		event   events.LambdaFunctionURLRequest
		status  int
		run     func(t *testing.T, fn *function.Function) // instead of the event
		matches map[string]int
	}{
		{"delivery fails", filepath.Join(blocker, "inbox"), nil, nil, valid, http.StatusServiceUnavailable, nil, map[string]int{"DeliveryFailuresMetric": 1}},
		{"delivered", t.TempDir(), nil, nil, valid, http.StatusSeeOther, nil, nil},
		{"delivered, the hidden field filled", t.TempDir(), nil, nil, filled, http.StatusSeeOther, nil, map[string]int{"HoneypotMetric": 1}},
		{"the ledger cannot be written", t.TempDir(), broken, nil, valid, http.StatusServiceUnavailable, nil,
			map[string]int{"DeliveryFailuresMetric": 1, "LedgerFailuresMetric": 1}},
		// The application is delivered and the parent told so; only the
		// count is missing, and the operator is told.
		{"the statistics cannot be written", t.TempDir(), nil, brokenStats, valid, http.StatusSeeOther, nil,
			map[string]int{"StatisticsFailuresMetric": 1}},
		{"a bounce", t.TempDir(), nil, nil, valid, 0, func(t *testing.T, fn *function.Function) {
			accepted(time.Hour)(t, fn)
			if err := fn.SESNotice(context.Background(), bounce); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"BouncesMetric": 1}},
		{"not acknowledged after the reminder", t.TempDir(), nil, nil, valid, 0, func(t *testing.T, fn *function.Function) {
			accepted(30*24*time.Hour)(t, fn)
			if _, err := fn.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"EscalationsMetric": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			env := map[string]string{"INTAKE_INBOX_DIR": tt.inbox, "INTAKE_ALLOWED_ORIGIN": "https://familjeratt.example",
				"INTAKE_SIGNING_KEY_FILE": filepath.Join("..", function.DevSigningKey),
				"INTAKE_LEDGER_FILE":      filepath.Join(t.TempDir(), "ledger.db")}
			h, err := function.New(func(k string) string { return env[k] }, function.Options{
				Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Ledger: tt.store, Stats: tt.stats})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			if tt.run != nil {
				tt.run(t, h)
			} else {
				res, err := lambda.Handler(h)(context.Background(), tt.event)
				if err != nil || res.StatusCode != tt.status {
					t.Fatalf("status %d (%v), want %d", res.StatusCode, err, tt.status)
				}
			}
			for id := range filters {
				pattern := fmt.Sprint(get(t, tpl, "Resources."+id+".Properties.FilterPattern"))
				match, err := jsonFilter(pattern)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for line := range strings.Lines(logs.String()) {
					if match(line) {
						n++
					}
				}
				if n != tt.matches[id] {
					t.Errorf("%s's filter %s matches %d log lines, want %d:\n%s", id, pattern, n, tt.matches[id], logs.String())
				}
			}
		})
	}

	noEmail := maps.Clone(params)
	noEmail["AlarmEmail"] = ""
	_, quiet, _ := loadTemplate(t, noEmail)
	for id, alarmID := range filters {
		if got := get(t, tpl, "Resources."+id+".Properties.LogGroupName"); got != "ref:IntakeLogGroup" {
			t.Errorf("%s reads %v, not the function's log group", id, got)
		}
		metric := get(t, tpl, "Resources."+id+".Properties.MetricTransformations.0").(map[string]any)
		alarm := get(t, tpl, "Resources."+alarmID+".Properties").(map[string]any)
		if alarm["Namespace"] != metric["MetricNamespace"] || alarm["MetricName"] != metric["MetricName"] {
			t.Errorf("%s watches %v/%v, %s counts into %v/%v", alarmID,
				alarm["Namespace"], alarm["MetricName"], id, metric["MetricNamespace"], metric["MetricName"])
		}
		if got := alarm["AlarmActions"]; !equal(got, []any{"ref:AlarmTopic"}) {
			t.Errorf("with AlarmEmail set, %s's actions are %v, want the topic", alarmID, got)
		}
		// Without an address there is no topic, and the alarm has no action.
		if _, ok := get(t, quiet, "Resources."+alarmID+".Properties").(map[string]any)["AlarmActions"]; ok {
			t.Errorf("%s has actions without AlarmEmail", alarmID)
		}
	}
	if _, ok := get(t, quiet, "Resources").(map[string]any)["AlarmTopic"]; ok {
		t.Errorf("AlarmTopic exists without AlarmEmail")
	}
}

func readEvent(t *testing.T, name string) events.LambdaFunctionURLRequest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "functions", "lambda", "testdata", "lambda", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// jsonFilter compiles the form of CloudWatch Logs JSON filter pattern
// the template uses, { $.field = "value" } joined by &&, into a matcher:
// a log event matches when it is a JSON object whose fields equal the
// values.
func jsonFilter(pattern string) (func(line string) bool, error) {
	inner, ok := strings.CutPrefix(strings.TrimSpace(pattern), "{")
	inner, ok2 := strings.CutSuffix(inner, "}")
	if !ok || !ok2 {
		return nil, fmt.Errorf("filter pattern %q: not a JSON filter", pattern)
	}
	cond := regexp.MustCompile(`^\s*\$\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"*]*)"\s*$`)
	want := map[string]string{}
	for _, c := range strings.Split(inner, "&&") {
		m := cond.FindStringSubmatch(c)
		if m == nil {
			return nil, fmt.Errorf("filter pattern %q: the test understands only $.field = \"value\", joined by &&", pattern)
		}
		want[m[1]] = m[2]
	}
	return func(line string) bool {
		var obj map[string]any
		if json.Unmarshal([]byte(line), &obj) != nil {
			return false
		}
		for field, value := range want {
			if s, ok := obj[field].(string); !ok || s != value {
				return false
			}
		}
		return true
	}, nil
}

// TestPathFunction runs the CloudFront Function's JavaScript with node
// over a table of addresses and a site folder, and compares the outcome
// with server.Resolve, which serves the same folder locally. The bucket
// holds what publish-site.sh uploads: no dotfiles, no _headers.
func TestPathFunction(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to run the CloudFront Function (README: requirements)")
	}
	_, tpl, _ := loadTemplate(t, params)
	fn := get(t, tpl, "Resources.PathFunction.Properties").(map[string]any)
	if got := get(t, fn, "FunctionConfig.Runtime"); got != "cloudfront-js-2.0" {
		t.Errorf("runtime %v", got)
	}
	code := fmt.Sprint(fn["FunctionCode"])

	dir := t.TempDir()
	files := []string{"index.html", "404.html", "robots.txt", "favicon.ico", ".portal-site",
		"sv/index.html", "sv/samarbetssamtal/index.html", "sv/samarbetssamtal/avtal/index.html",
		"en/index.html", "assets/site.3f2a9c.css", "assets/site.77b1e0.js", "sv/tomt/.keep"}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bucket := map[string]bool{}
	for _, f := range files {
		if !strings.HasPrefix(f, ".") && !strings.Contains(f, "/.") {
			bucket[f] = true
		}
	}

	uris := []string{
		"/", "/index.html", "/sv", "/sv/", "/sv/index.html",
		"/sv/samarbetssamtal", "/sv/samarbetssamtal/", "/sv/samarbetssamtal/avtal", "/sv/samarbetssamtal/avtal/",
		"/sv/samarbetssamtal/avtal/index.html", "/en/", "/en",
		"/assets/site.3f2a9c.css", "/assets/site.77b1e0.js", "/assets", "/assets/", "/assets/nothing.css",
		"/robots.txt", "/favicon.ico", "/404.html",
		"/nothing", "/nothing/", "/sv/nothing", "/sv/nothing.html", "/sv/tomt", "/sv/tomt/",
		"/.portal-site", "/sv/tomt/.keep", "/sv/.hidden/",
		"//sv//samarbetssamtal/", "/sv/./samarbetssamtal/", "/en/../sv/", "/../sv/", "/sv/samarbetssamtal/..",
	}
	out := runCloudFrontFunction(t, node, code, uris)
	for i, uri := range uris {
		t.Run(uri, func(t *testing.T) {
			// What the local server does.
			file, redirect, ok := server.Resolve(dir, uri)
			local := "404"
			switch {
			case redirect != "":
				local = "301 " + redirect
			case ok:
				rel, _ := filepath.Rel(dir, file)
				local = "200 " + filepath.ToSlash(rel)
			}
			// What CloudFront does: the function, then the bucket.
			edge := edgeOutcome(t, out[i], bucket)
			if edge == local {
				return
			}
			// The one allowed difference: the function cannot see whether
			// a folder exists, so "/x" is redirected to "/x/" even when
			// there is nothing there. The parent still ends on the 404.
			if local == "404" && strings.HasPrefix(edge, "301 ") {
				target := strings.TrimPrefix(edge, "301 ")
				again := runCloudFrontFunction(t, node, code, []string{target})
				if then := edgeOutcome(t, again[0], bucket); then == "404" {
					return
				}
			}
			t.Errorf("%s: CloudFront %s, the local server %s", uri, edge, local)
		})
	}
}

type cfResult struct {
	URI        string `json:"uri"`
	StatusCode int    `json:"statusCode"`
	Location   string `json:"location"`
}

// edgeOutcome is what the viewer gets: a redirect, the object, or (S3's
// 403 for a missing key) the 404 page.
func edgeOutcome(t *testing.T, r cfResult, bucket map[string]bool) string {
	t.Helper()
	switch {
	case r.StatusCode == 301:
		return "301 " + r.Location
	case r.StatusCode != 0:
		t.Fatalf("the function answered %d", r.StatusCode)
	case bucket[strings.TrimPrefix(r.URI, "/")]:
		return "200 " + strings.TrimPrefix(r.URI, "/")
	}
	return "404"
}

// runCloudFrontFunction calls the function's handler for each address,
// with the event shape CloudFront gives a viewer-request function.
func runCloudFrontFunction(t *testing.T, node, code string, uris []string) []cfResult {
	t.Helper()
	in, _ := json.Marshal(uris)
	script := code + `
var uris = ` + string(in) + `;
var out = uris.map(function (uri) {
  var r = handler({version: '1.0', context: {eventType: 'viewer-request'},
    viewer: {ip: '192.0.2.1'},
    request: {method: 'GET', uri: uri, querystring: {}, headers: {host: {value: 'familjeratt.example'}}, cookies: {}}});
  if (r.statusCode) {
    return {statusCode: r.statusCode, location: r.headers.location.value};
  }
  return {uri: r.uri};
});
process.stdout.write(JSON.stringify(out));
`
	f := filepath.Join(t.TempDir(), "function.js")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, f)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res []cfResult
	if err := json.Unmarshal(stdout, &res); err != nil || len(res) != len(uris) {
		t.Fatalf("node printed %s (%v)", stdout, err)
	}
	return res
}

// TestPublishScript checks build/publish-site.sh against the code: the
// content types it sets are chrome.ContentType's, and its cache headers
// the local server's.
func TestPublishScript(t *testing.T) {
	data, err := os.ReadFile("publish-site.sh")
	if err != nil {
		t.Fatal(err)
	}
	script := string(data)
	types := regexp.MustCompile(`(?m)^\s*"([a-z0-9]+)\|([^"]+)"\s*$`).FindAllStringSubmatch(script, -1)
	if len(types) == 0 {
		t.Fatal(`no content types ("ext|type" lines) in publish-site.sh`)
	}
	seen := map[string]bool{}
	for _, m := range types {
		ext, typ := m[1], m[2]
		seen[ext] = true
		if want := chrome.ContentType("x." + ext); typ != want {
			t.Errorf(".%s: publish-site.sh says %q, chrome.ContentType %q", ext, typ, want)
		}
	}
	for _, ext := range []string{"html", "css", "js", "svg", "ico", "xml", "txt"} {
		if !seen[ext] {
			t.Errorf(".%s files are on the site but publish-site.sh gives them no content type", ext)
		}
	}
	for _, want := range []string{
		`"public, max-age=31536000, immutable"`, // chrome.Immutable assets, as server.serveFile
		`no-cache`,
		`--exclude '_headers'`,
		`--delete`,
		`create-invalidation`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("publish-site.sh lacks %s", want)
		}
	}
	if !chrome.Immutable("/assets/site.css") || chrome.Immutable("/sv/index.html") {
		t.Errorf("chrome.Immutable no longer means /assets/*: publish-site.sh must follow")
	}
}

// TestPublishScriptRuns runs publish-site.sh with an aws command that only
// records its arguments: it fails clearly without its variables or the
// CLI, and otherwise uploads assets before pages, deletes last, and then
// invalidates the distribution.
func TestPublishScriptRuns(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("publish-site.sh")
	site := t.TempDir()
	for _, f := range []string{"index.html", "404.html", "sv/index.html", "robots.txt", "assets/site.abc.css", "_headers", ".portal-site"} {
		p := filepath.Join(site, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stub := t.TempDir()
	log := filepath.Join(stub, "calls")
	// One line per call, arguments separated by a unit separator.
	if err := os.WriteFile(filepath.Join(stub, "aws"), []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\037' \"$a\"; done >> \"$AWS_CALLS\"\necho >> \"$AWS_CALLS\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(path string, env ...string) (string, error) {
		cmd := exec.Command(bash, script)
		cmd.Env = append([]string{"PATH=" + path, "PUBLIC_DIR=" + site, "AWS_CALLS=" + log}, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	system := stub + string(os.PathListSeparator) + os.Getenv("PATH")

	tests := []struct {
		name, path string
		env        []string
		want       string
	}{
		{"no bucket", system, []string{"DISTRIBUTION_ID=E2EXAMPLE"}, "SITE_BUCKET is not set"},
		{"no distribution", system, []string{"SITE_BUCKET=site-bucket"}, "DISTRIBUTION_ID is not set"},
		{"no aws CLI", t.TempDir(), []string{"SITE_BUCKET=site-bucket", "DISTRIBUTION_ID=E2EXAMPLE"}, "aws CLI is not installed"},
	}
	for _, tt := range tests {
		out, err := run(tt.path, tt.env...)
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %v, output %q: want a failure saying %q", tt.name, err, out, tt.want)
		}
	}
	if _, err := os.Stat(log); err == nil {
		t.Fatalf("aws was called although the script should have stopped")
	}

	if out, err := run(system, "SITE_BUCKET=site-bucket", "DISTRIBUTION_ID=E2EXAMPLE"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for line := range strings.Lines(string(data)) {
		calls = append(calls, strings.Split(strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\x1f"), "\x1f"))
	}
	index := func(pred func([]string) bool) int { return slices.IndexFunc(calls, pred) }
	has := func(c []string, seq ...string) bool {
		for i := range c {
			if i+len(seq) <= len(c) && slices.Equal(c[i:i+len(seq)], seq) {
				return true
			}
		}
		return false
	}
	for _, c := range calls[:len(calls)-1] {
		if !has(c, "s3", "sync", site, "s3://site-bucket") || !has(c, "--exclude", "_headers") || !has(c, "--exclude", ".*") {
			t.Errorf("call %q: want a sync of the site to the bucket, without _headers and dotfiles", c)
		}
	}
	css := index(func(c []string) bool {
		return has(c, "--include", "assets/*.css", "--content-type", "text/css; charset=utf-8", "--cache-control", "public, max-age=31536000, immutable")
	})
	html := index(func(c []string) bool {
		return has(c, "--include", "*.html", "--content-type", "text/html; charset=utf-8", "--cache-control", "no-cache")
	})
	del := index(func(c []string) bool { return has(c, "--delete") })
	inv := index(func(c []string) bool {
		return has(c, "cloudfront", "create-invalidation", "--distribution-id", "E2EXAMPLE", "--paths", "/*")
	})
	if css < 0 || html < 0 || del < 0 || inv < 0 || !(css < html && html < del && del < inv && inv == len(calls)-1) {
		t.Errorf("calls in the wrong order or missing (assets %d, pages %d, delete %d, invalidation %d of %d):\n%q", css, html, del, inv, len(calls), calls)
	}
}

// TestCfnLint runs cfn-lint (with the SAM transform), where it is
// installed. It knows every resource type's schema, which this test does
// not.
func TestCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed")
	}
	cmd := exec.Command(lint, "--", "template.yaml")
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=eu-north-1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}

// TestLedgerResources: the table, its TTL, the function's permissions,
// the SES events' way in and the schedule match what the code does: the
// store's key and expiry attributes, the calls it makes, and the event
// shapes the function's dispatcher recognises.
func TestLedgerResources(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	if got := get(t, tpl, "Resources.LedgerTable.Properties.KeySchema.0.AttributeName"); got != dynamostore.KeyAttribute {
		t.Errorf("the table's key is %v, the store's %s", got, dynamostore.KeyAttribute)
	}
	ttl := get(t, tpl, "Resources.LedgerTable.Properties.TimeToLiveSpecification").(map[string]any)
	if ttl["AttributeName"] != dynamostore.TTLAttribute || ttl["Enabled"] != true {
		t.Errorf("TTL %v, want enabled on %s", ttl, dynamostore.TTLAttribute)
	}
	if got := get(t, tpl, "Resources.LedgerTable.Properties.BillingMode"); got != "PAY_PER_REQUEST" {
		t.Errorf("billing %v, want on demand", got)
	}
	// Least privilege: exactly the calls the store makes, on this table.
	stmt := get(t, tpl, "Resources.IntakeFunction.Properties.Policies.0.Statement.0").(map[string]any)
	actions := fmt.Sprint(stmt["Action"])
	if actions != "[dynamodb:GetItem dynamodb:PutItem dynamodb:Scan]" || fmt.Sprint(stmt["Resource"]) != "getatt:LedgerTable.Arn" {
		t.Errorf("the function may %s on %v; want GetItem, PutItem and Scan on the ledger table", actions, stmt["Resource"])
	}
	env := get(t, tpl, "Resources.IntakeFunction.Properties.Environment.Variables").(map[string]any)
	if env["INTAKE_LEDGER_TABLE"] != "ref:LedgerTable" || env["INTAKE_SES_CONFIGURATION_SET"] != "ref:DeliveryEvents" {
		t.Errorf("the function is not given the table and the configuration set: %v, %v", env["INTAKE_LEDGER_TABLE"], env["INTAKE_SES_CONFIGURATION_SET"])
	}
	// SES → SNS → the function, with the permission for SNS to invoke it.
	if got := get(t, tpl, "Resources.DeliveryEventsDestination.Properties.EventDestination.SnsDestination.TopicARN"); got != "ref:DeliveryEventsTopic" {
		t.Errorf("SES events go to %v", got)
	}
	types := fmt.Sprint(get(t, tpl, "Resources.DeliveryEventsDestination.Properties.EventDestination.MatchingEventTypes"))
	for _, k := range []string{"bounce", "delivery", "complaint"} {
		if !strings.Contains(types, k) {
			t.Errorf("SES does not report %s events: %s", k, types)
		}
	}
	sub := get(t, tpl, "Resources.DeliveryEventsSubscription.Properties").(map[string]any)
	if sub["Protocol"] != "lambda" || sub["Endpoint"] != "getatt:IntakeFunction.Arn" {
		t.Errorf("the topic's subscription is %v", sub)
	}
	perm := get(t, tpl, "Resources.DeliveryEventsPermission.Properties").(map[string]any)
	if perm["Principal"] != "sns.amazonaws.com" || perm["SourceArn"] != "ref:DeliveryEventsTopic" {
		t.Errorf("SNS may not invoke the function: %v", perm)
	}
	// The schedule's input is the event the dispatcher runs the sweep for.
	target := get(t, tpl, "Resources.SweepSchedule.Properties.Target").(map[string]any)
	var input struct{ Action string }
	if err := json.Unmarshal([]byte(fmt.Sprint(target["Input"])), &input); err != nil || input.Action != "sweep" || target["Arn"] != "getatt:IntakeFunction.Arn" {
		t.Errorf("the schedule invokes %v with %v", target["Arn"], target["Input"])
	}
	ran := false
	handle := lambda.Dispatch(http.NotFoundHandler(), lambda.Events{Scheduled: func(context.Context) error { ran = true; return nil }})
	if _, err := handle(context.Background(), json.RawMessage(fmt.Sprint(target["Input"]))); err != nil || !ran {
		t.Errorf("the schedule's input does not run the sweep: %v", err)
	}
}

// TestStatsResources: the counters' table is keyed as the store writes
// it, has no stream and no time to live (sums only, kept for years), the
// function may only add to it and scan it, and the yearly schedule's
// input runs the yearly statistics.
func TestStatsResources(t *testing.T) {
	_, tpl, _ := loadTemplate(t, params)
	props := get(t, tpl, "Resources.StatsTable.Properties").(map[string]any)
	keys := fmt.Sprint(props["KeySchema"])
	want := fmt.Sprint([]any{map[string]any{"AttributeName": dynamostats.OfficeAttribute, "KeyType": "HASH"},
		map[string]any{"AttributeName": dynamostats.MonthAttribute, "KeyType": "RANGE"}})
	if keys != want {
		t.Errorf("the counters' keys are %s, the store's %s", keys, want)
	}
	for _, k := range []string{"StreamSpecification", "TimeToLiveSpecification"} {
		if _, ok := props[k]; ok {
			t.Errorf("the counters' table has %s: it must have no stream and no expiry", k)
		}
	}
	if props["BillingMode"] != "PAY_PER_REQUEST" {
		t.Errorf("billing %v, want on demand", props["BillingMode"])
	}
	stmt := get(t, tpl, "Resources.IntakeFunction.Properties.Policies.0.Statement.1").(map[string]any)
	if a := fmt.Sprint(stmt["Action"]); a != "[dynamodb:UpdateItem dynamodb:Scan]" || fmt.Sprint(stmt["Resource"]) != "getatt:StatsTable.Arn" {
		t.Errorf("the function may %s on %v; want UpdateItem and Scan on the counters' table", a, stmt["Resource"])
	}
	env := get(t, tpl, "Resources.IntakeFunction.Properties.Environment.Variables").(map[string]any)
	// The threshold is the parameter's, resolved: its default.
	if env["INTAKE_STATS_TABLE"] != "ref:StatsTable" || fmt.Sprint(env["INTAKE_STATS_THRESHOLD"]) != strconv.Itoa(function.DefaultThreshold) {
		t.Errorf("the function is not given the counters' table and threshold: %v, %v", env["INTAKE_STATS_TABLE"], env["INTAKE_STATS_THRESHOLD"])
	}
	target := get(t, tpl, "Resources.StatisticsSchedule.Properties.Target").(map[string]any)
	if target["Arn"] != "getatt:IntakeFunction.Arn" {
		t.Errorf("the yearly schedule invokes %v", target["Arn"])
	}
	ran := false
	handle := lambda.Dispatch(http.NotFoundHandler(), lambda.Events{Statistics: func(context.Context) error { ran = true; return nil }})
	if _, err := handle(context.Background(), json.RawMessage(fmt.Sprint(target["Input"]))); err != nil || !ran {
		t.Errorf("the yearly schedule's input %v does not run the statistics: %v", target["Input"], err)
	}
	if got := get(t, tpl, "Resources.StatisticsSchedule.Properties.ScheduleExpressionTimezone"); got != "Europe/Stockholm" {
		t.Errorf("the yearly schedule runs in %v: the year ends in Swedish time", got)
	}
}
