package content

import (
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"
)

// BenchmarkLoadDirectoryNational loads a directory with every
// municipality routed: 290 offices, each with a certificate file of its
// own (the same certificate, read and parsed 290 times, as 290 real ones
// would be): the part of the function's cold start that grows with the
// country.
func BenchmarkLoadDirectoryNational(b *testing.B) {
	committed, err := LoadDirectory(DataFiles)
	if err != nil {
		b.Fatal(err)
	}
	var cert []byte
	for _, o := range committed.Offices {
		if len(o.Intake.Certificates) > 0 {
			if cert, err = fs.ReadFile(DataFiles, OfficesDir+"/"+o.Intake.Certificates[0]); err != nil {
				b.Fatal(err)
			}
			break
		}
	}
	fsys := fstest.MapFS{}
	for _, name := range []string{MunicipalitiesFile, "site.yaml"} {
		data, err := fs.ReadFile(DataFiles, name)
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	for i, m := range committed.Municipalities {
		id := fmt.Sprintf("kontor-%03d", i)
		fsys[OfficesDir+"/"+id+".yaml"] = &fstest.MapFile{Data: []byte("name: {sv: Familjerätten i " + m.Name + ", en: Family law office " + m.Name + "}\n" +
			"municipalities: [\"" + m.Code + "\"]\ncontact:\n  phone: 010-000 00 00\nintake:\n  inbox: " + id +
			"@familjeratt.example\n  certificates: [certs/" + id + ".pem]\n")}
		fsys[OfficesDir+"/certs/"+id+".pem"] = &fstest.MapFile{Data: cert}
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := LoadDirectory(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Offices) != len(committed.Municipalities) {
			b.Fatalf("%d offices", len(d.Offices))
		}
	}
}
