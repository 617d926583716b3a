package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"familjeratt.example/portal/build/cms"
)

// startAdmin starts the web editor for the content tree at contentDir:
// decap-server writing into the tree, and the handler for /admin/ that
// serves the editor and that server's API on the dev server's origin. The
// site does not depend on it: when the editor cannot start (not
// installed), /admin/ says why and the rest is served as before. The
// editor's header links to siteURL. stop ends decap-server.
func startAdmin(ctx context.Context, contentDir, siteURL string, stdout io.Writer) (h http.Handler, stop func()) {
	off := func(err error) (http.Handler, func()) {
		fmt.Fprintln(stdout, "the web editor is off:", err)
		return cms.Unavailable(err), func() {}
	}
	dir, err := cms.Dir()
	if err != nil {
		return off(err)
	}
	srv, err := cms.StartLocalServer(ctx, cms.ServerOptions{Dir: dir, Content: contentDir, Log: stdout})
	if err != nil {
		return off(err)
	}
	h, err = cms.NewHandler(cms.HandlerOptions{
		Dir:     dir,
		Content: os.DirFS(contentDir),
		Options: cms.Options{Backend: cms.LocalProxy(cms.APIPath), SiteURL: siteURL},
		Backend: srv.URL,
	})
	if err != nil {
		srv.Close()
		return off(err)
	}
	fmt.Fprintf(stdout, "the web editor is at %s%s; it saves into %s/ (content/README.md: The web editor)\n", siteURL, cms.Path, contentDir)
	return h, func() { srv.Close() }
}

// withAdmin serves the web editor below /admin/ and the site everywhere
// else. The editor has its own security headers; the site keeps its own.
func withAdmin(admin, site http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(cms.Path, admin)
	mux.Handle("/", site)
	return mux
}
