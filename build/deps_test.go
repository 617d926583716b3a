package build

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "familjeratt.example/portal/"

// imports declares, for every package of the module, the packages of the
// module it may import: the one-way graph of the README's tree map,
//
//	content → site/chrome → site          (the generator)
//	        ↘            ↘ functions/…    (the function)
//	                         build/…      (the composition roots: both sides)
//
// A package that is not listed is a problem too: a new package takes its
// place here, on purpose. `make check-deps` runs this test.
var imports = map[string][]string{
	"content":                      {},
	"site/chrome":                  {"content"},
	"site":                         {"content", "site/chrome"},
	"site/server":                  {"site/chrome"},
	"functions/form":               {"content"},
	"functions/intake":             {"content", "functions/form", "site/chrome"},
	"functions/delivery":           {"content", "functions/form", "functions/intake"},
	"functions/journey":            {"content", "functions/form", "functions/intake", "functions/ledger", "site/chrome"},
	"functions/calendar":           {},
	"functions/ledger":             {},
	"functions/ledger/boltstore":   {"functions/ledger"},
	"functions/ledger/dynamostore": {"functions/ledger"},
	"functions/ledger/ledgertest":  {"functions/ledger"},
	"functions/ledger/dynamostore/dynalitetest": {},
	"functions/sweep":             {"content", "functions/calendar", "functions/delivery", "functions/intake", "functions/ledger"},
	"functions/ses":               {"functions/ledger"},
	"functions/stats":             {"content", "functions/calendar", "functions/intake", "functions/ledger"},
	"functions/stats/suppress":    {},
	"functions/stats/boltstats":   {"functions/stats"},
	"functions/stats/dynamostats": {"functions/stats"},
	"functions/stats/statstest":   {"functions/stats"},
	"functions/stats/report":      {"content", "functions/intake", "functions/stats", "functions/stats/suppress", "site/chrome"},
	"functions/lambda":            {},
	"functions/function": {"content", "functions/delivery", "functions/intake", "functions/journey", "functions/ledger",
		"functions/ledger/boltstore", "functions/ledger/dynamostore", "functions/ses", "functions/stats", "functions/stats/boltstats",
		"functions/stats/dynamostats", "functions/stats/report", "functions/sweep", "site/chrome"},
	"functions/cmd/stats":           {"content", "functions/function", "functions/stats", "functions/stats/report"},
	"functions/cmd/bootstrap":       {"functions/function", "functions/lambda", "site/chrome"},
	"functions/cmd/openinbox":       {"content", "functions/delivery"},
	"functions/cmd/ledger":          {"functions/function", "functions/intake", "functions/ledger"},
	"functions/cmd/sendtest":        {"functions/delivery", "functions/function", "functions/intake"},
	"content/contenttest":           {"content"},
	"site/chrome/chrometest":        {},
	"functions/delivery/mailtest":   {},
	"functions/journey/journeytest": {"content", "functions/delivery", "functions/delivery/mailtest", "functions/intake"},
	"functions/lambda/lambdatest":   {},
}

// testImports are what a package's tests may import besides: the test
// helpers, and, for the tests that run a whole journey, the packages
// beside them that they run it through.
var testImports = map[string][]string{
	"site":               {"content/contenttest", "site/chrome/chrometest"},
	"functions/intake":   {"functions/journey/journeytest", "content/contenttest"},
	"functions/delivery": {"functions/delivery/mailtest"},
	"functions/journey": {"content/contenttest", "functions/delivery", "functions/delivery/mailtest", "functions/journey/journeytest",
		"functions/ledger/boltstore", "site/chrome/chrometest"},
	"functions/function": {"content/contenttest", "functions/delivery/mailtest", "functions/journey/journeytest", "functions/lambda",
		"functions/lambda/lambdatest", "functions/ledger/dynamostore/dynalitetest"},
	"functions/cmd/bootstrap": {"content", "content/contenttest", "functions/delivery", "functions/delivery/mailtest", "functions/journey/journeytest",
		"functions/ledger/dynamostore/dynalitetest"},
	"functions/cmd/sendtest":       {"functions/delivery", "functions/intake"},
	"functions/cmd/openinbox":      {},
	"functions/cmd/ledger":         {"functions/ledger/boltstore"},
	"functions/ledger/boltstore":   {"functions/ledger/ledgertest"},
	"functions/ledger/dynamostore": {"functions/ledger/ledgertest", "functions/ledger/dynamostore/dynalitetest"},
	"functions/ledger":             {"functions/ledger/boltstore"},
	"functions/stats":              {"functions/ledger/boltstore", "functions/stats/boltstats", "functions/journey/journeytest", "content/contenttest"},
	"functions/stats/boltstats":    {"functions/stats/statstest"},
	"functions/stats/dynamostats":  {"functions/stats/statstest", "functions/ledger/dynamostore/dynalitetest"},
	"functions/stats/report":       {"content/contenttest"},
	"functions/cmd/stats":          {"content/contenttest", "functions/stats/boltstats"},
	"functions/sweep":              {"functions/delivery", "functions/delivery/mailtest", "functions/ledger/boltstore", "functions/ledger/ledgertest"},
}

// links are what a binary must never contain, whatever imports what: the
// generator carries no mail, S/MIME or Lambda code, and the function no
// generator.
var links = map[string][]string{
	"build/cmd/sitegen": {"github.com/emersion/go-smtp", "github.com/emersion/go-sasl", "github.com/smallstep/pkcs7",
		"github.com/aws/aws-lambda-go/", module + "functions/delivery", module + "functions/journey",
		module + "functions/lambda", module + "functions/function"},
	"functions/cmd/bootstrap": {"github.com/yuin/goldmark", module + "site", module + "site/server", module + "build/"},
}

type listed struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
	Deps                               []string
}

// goList runs go list -json and decodes its stream of packages.
func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-json"}, args...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestDependencies: every import inside the module runs the declared
// way.
func TestDependencies(t *testing.T) {
	for _, p := range goList(t, "../...") {
		name := strings.TrimPrefix(p.ImportPath, module)
		if name == "build" || strings.HasPrefix(name, "build/") {
			// The composition roots wire both sides; they only must not
			// lean on one another's commands.
			for _, imp := range append(p.Imports, append(p.TestImports, p.XTestImports...)...) {
				if strings.HasPrefix(imp, module+"build/cmd/") {
					t.Errorf("%s imports the command %s: share a package instead", name, strings.TrimPrefix(imp, module))
				}
			}
			continue
		}
		allowed, ok := imports[name]
		if !ok {
			t.Errorf("%s is not in the declared graph (build/deps_test.go): give it its place there", name)
			continue
		}
		check := func(kind string, list []string, ok []string) {
			for _, imp := range list {
				rel, inModule := strings.CutPrefix(imp, module)
				if inModule && rel != name && !slices.Contains(ok, rel) {
					t.Errorf("%s %s %s, which the declared graph does not allow: the arrow runs the wrong way", name, kind, rel)
				}
			}
		}
		check("imports", p.Imports, allowed)
		check("tests import", append(p.TestImports, p.XTestImports...), append(slices.Clone(allowed), testImports[name]...))
	}
}

// TestLinks: what the generator and the function binaries contain.
func TestLinks(t *testing.T) {
	for bin, never := range links {
		pkgs := goList(t, "-deps", module+bin)
		for _, p := range pkgs {
			for _, bad := range never {
				if p.ImportPath == bad || strings.HasSuffix(bad, "/") && strings.HasPrefix(p.ImportPath, bad) {
					t.Errorf("%s links %s, which it must never contain", bin, p.ImportPath)
				}
			}
		}
	}
}
