package function

import (
	"fmt"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/delivery/mailtest"
)

// nationalFixture is content with every municipality routed: one office
// each, 290 in all, sharing one certificate for one real inbox, and the
// Lambda environment that delivers to all of them.
func nationalFixture(tb testing.TB) (fixture, func(kv ...string) func(string) string) {
	tb.Helper()
	signer := mailtest.NewSigner(tb, DefaultFrom)
	r := mailtest.NewRecipient(tb, "familjeratt@kommun.example")
	f := fixture{fsys: contenttest.WithoutOffices(contenttest.Data(tb, nil)), signingKey: string(signer.KeyPEM)}
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string]string{content.SigningFile: string(signer.CertPEM), "offices/certs/kommun.pem": string(r.CertPEM)}
	var inboxes []string
	for i, m := range data.Directory.Municipalities {
		id := fmt.Sprintf("kontor-%03d", i)
		files["offices/"+id+".yaml"] = "name: {sv: Familjerätten i " + m.Name + ", en: Family law office " + m.Name + "}\n" +
			"municipalities: [\"" + m.Code + "\"]\ncontact:\n  phone: 010-000 00 00\nintake:\n  inbox: " + id +
			"@familjeratt.example\n  certificates: [certs/kommun.pem]\n"
		inboxes = append(inboxes, id+"=familjeratt@kommun.example")
	}
	contenttest.Put(f.fsys, files)
	return f, func(kv ...string) func(string) string {
		return f.lambda(append([]string{"INTAKE_INBOXES", strings.Join(inboxes, ",")}, kv...)...)
	}
}

// BenchmarkNewNational is the function's start with 290 offices: what
// a cold start costs before the first answer, in process.
func BenchmarkNewNational(b *testing.B) {
	f, env := nationalFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		fn, err := New(env(), Options{Content: f.fsys})
		if err != nil {
			b.Fatal(err)
		}
		fn.Close()
	}
}
